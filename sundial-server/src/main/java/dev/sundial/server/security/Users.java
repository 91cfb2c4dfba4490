package dev.sundial.server.security;

import dev.sundial.persistence.access.UserRecord;
import dev.sundial.persistence.access.UserStore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Users who sign in to the web UI with a name and password. Passwords are kept only as bcrypt
 * hashes (Bouncy Castle, cost 12: about a quarter of a second per check, which also slows down
 * guessing); a user authenticates as its name with its roles.
 */
public final class Users {
  private static final int COST = 12;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,200}");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Checked when the user does not exist, so that both answers take as long. */
  private static final String DUMMY_HASH = hash("not a password".toCharArray());

  /** No user has this name. */
  public static final class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
      super(message);
    }
  }

  private final UserStore store;
  private final Clock clock;

  public Users(UserStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Creates a user; IllegalArgumentException naming what is wrong. */
  public UserRecord create(String name, List<String> roles, char[] password) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a user name is 1 to 200 letters, digits or . _ @ + -");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one role is required (<namespace>:<read|worker|write|admin> or system:<role>)");
    }
    Grants grants = Grants.parse(roles);
    int bytes = new String(password).getBytes(StandardCharsets.UTF_8).length;
    if (password.length < 8 || bytes > 72) {
      throw new IllegalArgumentException("a password is at least 8 characters and at most 72 bytes");
    }
    UserRecord user = new UserRecord(name, String.join(",", grants.texts()), hash(password),
        clock.millis());
    if (!store.insertUser(user)) {
      throw new IllegalArgumentException("a user named '" + name + "' exists already");
    }
    return user;
  }

  public List<UserRecord> list() {
    return store.listUsers();
  }

  /** Deletes a user; their sessions end at their next check. */
  public void delete(String name) {
    if (!store.deleteUser(name)) {
      throw new NotFoundException("no user is named '" + name + "'");
    }
  }

  /** The principal of a user whose password this is; the same refusal for any mistake. */
  public Principal authenticate(String name, char[] password) throws InvalidCredentialsException {
    UserRecord user = name == null ? null : store.userByName(name).orElse(null);
    boolean ok = OpenBSDBCrypt.checkPassword(user == null ? DUMMY_HASH : user.passwordHash(), password);
    if (user == null || !ok) {
      throw new InvalidCredentialsException("wrong user name or password");
    }
    return principal(user);
  }

  /** The user's current principal (roles may have changed), or why there is none. */
  public Principal current(String name) throws InvalidCredentialsException {
    return principal(store.userByName(name)
        .orElseThrow(() -> new InvalidCredentialsException("the user '" + name + "' was deleted")));
  }

  private static Principal principal(UserRecord user) {
    return Grants.parseStored(user.roles()).principal(user.name(), "password");
  }

  private static String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", password, salt, COST);
  }
}
