package dev.sundial.server.security;

import dev.sundial.persistence.access.ApiKeyRecord;
import dev.sundial.persistence.access.ApiKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * API keys managed by Sundial: {@code sundial_} followed by 256 random bits, shown once when
 * created; only their SHA-256 is stored (a slow hash adds nothing for keys this random). A key
 * authenticates as its name with its roles until it expires or is revoked. Lookups are cached for
 * a few seconds: a revocation here takes effect at once, on the other nodes of a cluster within
 * {@link #CACHE_SECONDS}.
 */
public final class ApiKeys {
  public static final String PREFIX = "sundial_";
  static final long CACHE_SECONDS = 5;
  private static final int MAX_NAME = 200;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new key: its record and the key itself, which is never available again. */
  public record Created(ApiKeyRecord record, String key) {}

  /** No key has this id or name (or it was revoked already). */
  public static final class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
      super(message);
    }
  }

  private record Cached(Optional<ApiKeyRecord> record, long loadedNanos) {}

  private final ApiKeyStore store;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public ApiKeys(ApiKeyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Creates a key; IllegalArgumentException naming what is wrong with the request. */
  public Created create(String name, String owner, List<String> roles, Instant expiresAt) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name is required");
    }
    if (name.length() > MAX_NAME || (owner != null && owner.length() > MAX_NAME)) {
      throw new IllegalArgumentException("name and owner are at most " + MAX_NAME + " characters");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(
          "at least one role is required (<namespace>:<read|worker|write|admin> or system:<role>)");
    }
    Grants grants = Grants.parse(roles);
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      throw new IllegalArgumentException("expire time must be in the future");
    }
    String key = newKey();
    return insert(name, owner, grants, key, expiresAt)
        .map(r -> new Created(r, key))
        .orElseThrow(() -> new IllegalArgumentException(
            "an API key named '" + name + "' exists already; revoke it or choose another name"));
  }

  private Optional<ApiKeyRecord> insert(
      String name, String owner, Grants grants, String key, Instant expiresAt) {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    ApiKeyRecord r = new ApiKeyRecord(HexFormat.of().formatHex(id), name.strip(),
        owner == null ? "" : owner.strip(), String.join(",", grants.texts()), hash(key),
        clock.millis(), expiresAt == null ? null : expiresAt.toEpochMilli(), null);
    return store.insertApiKey(r) ? Optional.of(r) : Optional.empty();
  }

  /**
   * Makes sure this operator-chosen key exists with the system admin role (the bootstrap key). A
   * key already stored is left as it is, so a restart changes nothing.
   */
  public void ensureAdminKey(String name, String key) {
    if (key.length() < 32) {
      throw new IllegalArgumentException("the bootstrap admin key must be at least 32 characters");
    }
    if (store.apiKeyByHash(hash(key)).isPresent()) return;
    if (insert(name, "bootstrap", Grants.parse(List.of("system:admin")), key, null).isEmpty()) {
      throw new IllegalStateException("an API key named '" + name + "' exists with another secret;"
          + " revoke it (sundial operator api-key revoke " + name + ") or stop passing"
          + " --bootstrap-admin-key-file");
    }
  }

  /**
   * The key in this file (created, owner-only, with a new key when the file does not exist) is a
   * system admin key named {@code bootstrap-admin}: a fresh secured server can be administered.
   */
  public void bootstrap(Path file) {
    try {
      String key;
      if (Files.exists(file)) {
        key = Files.readString(file).strip();
      } else {
        key = newKey();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        // Owner-only from the moment it exists: never readable by others, not even briefly.
        try {
          Files.createFile(file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          Files.createFile(file); // the directory's own protection applies
        }
        Files.writeString(file, key + "\n", StandardOpenOption.TRUNCATE_EXISTING);
      }
      ensureAdminKey("bootstrap-admin", key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the bootstrap admin key file " + file, e);
    }
  }

  public List<ApiKeyRecord> list() {
    return store.listApiKeys();
  }

  /** Revokes the active key with this id or name; NotFoundException when there is none. */
  public ApiKeyRecord revoke(String idOrName) {
    ApiKeyRecord target = store.listApiKeys().stream()
        .filter(k -> k.revokedAt() == null)
        .filter(k -> k.id().equals(idOrName) || k.name().equals(idOrName))
        .findFirst()
        .orElseThrow(() -> new NotFoundException("no active API key has id or name '" + idOrName + "'"));
    long now = clock.millis();
    if (!store.revokeApiKey(target.id(), now)) {
      throw new NotFoundException("API key '" + idOrName + "' was revoked meanwhile");
    }
    cache.clear();
    return new ApiKeyRecord(target.id(), target.name(), target.owner(), target.roles(),
        target.keyHash(), target.createdAt(), target.expiresAt(), now);
  }

  /** The principal a presented key stands for, or why it stands for nobody. */
  public Principal authenticate(String key) throws InvalidCredentialsException {
    byte[] hash = hash(key);
    String cacheKey = HexFormat.of().formatHex(hash);
    long now = System.nanoTime();
    Cached c = cache.get(cacheKey);
    if (c == null || now - c.loadedNanos() > TimeUnit.SECONDS.toNanos(CACHE_SECONDS)) {
      if (cache.size() > 10_000) cache.clear(); // bounded: unknown keys are cached too
      c = new Cached(store.apiKeyByHash(hash), now);
      cache.put(cacheKey, c);
    }
    ApiKeyRecord r = c.record().orElseThrow(
        () -> new InvalidCredentialsException("the API key is not valid"));
    if (!Arrays.equals(r.keyHash(), hash)) {
      throw new InvalidCredentialsException("the API key is not valid");
    }
    if (r.revokedAt() != null) {
      throw new InvalidCredentialsException("the API key '" + r.name() + "' was revoked");
    }
    if (r.expiresAt() != null && r.expiresAt() <= clock.millis()) {
      throw new InvalidCredentialsException("the API key '" + r.name() + "' has expired");
    }
    return Grants.parseStored(r.roles()).principal(r.name(), "api-key");
  }

  static String newKey() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
