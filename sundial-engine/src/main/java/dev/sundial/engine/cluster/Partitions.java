package dev.sundial.engine.cluster;

/**
 * Where things live: executions hash to shards by namespace and workflow id, task queues to
 * matching partitions by namespace and queue name. Partition i is served by the owner of shard i,
 * so one lease decides both.
 */
public final class Partitions {
  private Partitions() {}

  public static int shardOf(String namespaceId, String workflowId, int shardCount) {
    return Math.floorMod((namespaceId + "/" + workflowId).hashCode(), shardCount);
  }

  public static int partitionOf(String namespaceId, String taskQueue, int shardCount) {
    return Math.floorMod((namespaceId + "#" + taskQueue).hashCode(), shardCount);
  }
}
