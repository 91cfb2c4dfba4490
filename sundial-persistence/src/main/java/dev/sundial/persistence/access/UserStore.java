package dev.sundial.persistence.access;

import java.util.List;
import java.util.Optional;

/** Persistence of UI users (one row per user). Each write is committed before it returns. */
public interface UserStore {

  /** Inserts a new user; false (and nothing written) when the name is taken. */
  boolean insertUser(UserRecord user);

  Optional<UserRecord> userByName(String name);

  /** Every user, by name. */
  List<UserRecord> listUsers();

  /** Deletes a user; false when there is none of this name. */
  boolean deleteUser(String name);
}
