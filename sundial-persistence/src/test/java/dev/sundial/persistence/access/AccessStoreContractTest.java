package dev.sundial.persistence.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sundial.persistence.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api_keys and users tables' contract; one subclass per store implementation. */
public abstract class AccessStoreContractTest {
  @TempDir protected Path dir;
  protected Store store;
  private ApiKeyStore keys;

  protected abstract Store newStore(Path dir);

  @BeforeEach
  void open() {
    store = newStore(dir);
    keys = store.apiKeys();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ApiKeyRecord key(String id, String name, long created, Long expires) {
    return new ApiKeyRecord(id, name, "ops@example.com", "orders:write,system:read",
        ("hash-of-" + id).getBytes(StandardCharsets.UTF_8), created, expires, null);
  }

  private static byte[] hash(String id) {
    return ("hash-of-" + id).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void insertsFindsByHashAndLists() {
    assertThat(keys.insertApiKey(key("k2", "ci", 200, null))).isTrue();
    assertThat(keys.insertApiKey(key("k1", "worker", 100, 5_000L))).isTrue();
    assertThat(keys.apiKeyByHash(hash("k1")).orElseThrow())
        .usingRecursiveComparison().isEqualTo(key("k1", "worker", 100, 5_000L));
    assertThat(keys.apiKeyByHash(hash("k2")).orElseThrow().expiresAt()).isNull();
    assertThat(keys.apiKeyByHash(hash("nope"))).isEmpty();
    assertThat(keys.listApiKeys()).extracting(ApiKeyRecord::id).containsExactly("k1", "k2");
  }

  @Test
  void anActiveNameIsUniqueUntilItsKeyIsRevoked() {
    assertThat(keys.insertApiKey(key("k1", "ci", 100, null))).isTrue();
    assertThat(keys.insertApiKey(key("k2", "ci", 200, null))).isFalse();
    assertThat(keys.apiKeyByHash(hash("k2"))).isEmpty();

    assertThat(keys.revokeApiKey("k1", 300)).isTrue();
    assertThat(keys.revokeApiKey("k1", 400)).isFalse(); // already revoked: first time kept
    assertThat(keys.revokeApiKey("missing", 400)).isFalse();
    assertThat(keys.apiKeyByHash(hash("k1")).orElseThrow().revokedAt()).isEqualTo(300L);

    assertThat(keys.insertApiKey(key("k2", "ci", 500, null))).isTrue();
    assertThat(keys.listApiKeys()).extracting(ApiKeyRecord::id, ApiKeyRecord::revokedAt)
        .containsExactly(tuple("k1", 300L),
            tuple("k2", null));
  }

  @Test
  void usersAreInsertedOnceListedAndDeleted() {
    UserStore users = store.users();
    assertThat(users.insertUser(new UserRecord("bob", "a:read", "$2b$12$hash", 100))).isTrue();
    assertThat(users.insertUser(new UserRecord("alice", "system:admin", "$2b$12$other", 200))).isTrue();
    assertThat(users.insertUser(new UserRecord("bob", "a:admin", "x", 300))).isFalse();
    assertThat(users.userByName("bob").orElseThrow())
        .isEqualTo(new UserRecord("bob", "a:read", "$2b$12$hash", 100));
    assertThat(users.listUsers()).extracting(UserRecord::name).containsExactly("alice", "bob");
    assertThat(users.deleteUser("bob")).isTrue();
    assertThat(users.deleteUser("bob")).isFalse();
    assertThat(users.userByName("bob")).isEmpty();
  }

  @Test
  void keysSurviveAReopen() {
    keys.insertApiKey(key("k1", "ci", 100, null));
    store.close();
    store = newStore(dir);
    keys = store.apiKeys();
    assertThat(keys.apiKeyByHash(hash("k1"))).isPresent();
  }
}
