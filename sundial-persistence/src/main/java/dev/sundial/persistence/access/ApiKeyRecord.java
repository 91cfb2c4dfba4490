package dev.sundial.persistence.access;

/**
 * One API key. Only the SHA-256 of the key is stored (the key itself is shown once, at creation);
 * roles are the key's grants as "namespace:role" strings separated by commas. Times are epoch
 * milliseconds; expiresAt and revokedAt are null when not set.
 */
public record ApiKeyRecord(
    String id,
    String name,
    String owner,
    String roles,
    byte[] keyHash,
    long createdAt,
    Long expiresAt,
    Long revokedAt) {}
