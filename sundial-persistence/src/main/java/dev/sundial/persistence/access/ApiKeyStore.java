package dev.sundial.persistence.access;

import java.util.List;
import java.util.Optional;

/** Persistence of API keys (one row per key). Each write is committed before it returns. */
public interface ApiKeyStore {

  /**
   * Inserts a new key; false (and nothing written) when a key that is not revoked already has
   * this name.
   */
  boolean insertApiKey(ApiKeyRecord key);

  /** The key whose hash this is, revoked or not. */
  Optional<ApiKeyRecord> apiKeyByHash(byte[] keyHash);

  /** Every key, revoked ones included, oldest first. */
  List<ApiKeyRecord> listApiKeys();

  /** Marks a key revoked at this time; false when no key has this id or it was revoked already. */
  boolean revokeApiKey(String id, long revokedAt);
}
