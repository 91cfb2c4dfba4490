package dev.sundial.engine.cluster;

/** Which shard an id belongs to, and whether this node serves it now. */
public interface ShardMap {
  /** The shard of a workflow (or schedule, or batch job) id in a namespace. */
  int shardIndex(String namespaceId, String id);

  /** True while this node owns the shard (always on a single node). */
  boolean ownsShard(int shardId);
}
