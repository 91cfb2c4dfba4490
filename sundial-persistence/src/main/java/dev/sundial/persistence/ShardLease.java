package dev.sundial.persistence;

/**
 * A shard's ownership row: the fencing range id (every write carries it), the owning node (null
 * when released) and when the owner's lease runs out (epoch millis; 0 when released).
 */
public record ShardLease(int shardId, long rangeId, String owner, long leaseExpiresMillis) {}
