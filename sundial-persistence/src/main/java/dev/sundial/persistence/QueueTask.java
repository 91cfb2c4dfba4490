package dev.sundial.persistence;

/**
 * A durable task-queue backlog entry: a workflow or activity task waiting for a poller. Written in
 * the same transaction as the event that scheduled it and deleted in the transaction that records
 * it started (or when it turns out to be stale). {@code partitionId} is the matching partition of
 * its task queue (see the engine's task queue partitioning): the node owning that partition loads
 * it after a restart or an ownership move; -1 on rows written before partitions existed.
 */
public record QueueTask(
    long taskId,
    String namespaceId,
    String taskQueue,
    int kind,
    String workflowId,
    String runId,
    long scheduledEventId,
    byte[] payload,
    int partitionId) {

  public static final int KIND_WORKFLOW = 0;
  public static final int KIND_ACTIVITY = 1;

  /** A task whose matching partition is not assigned yet (the engine assigns it when adding). */
  public QueueTask(long taskId, String namespaceId, String taskQueue, int kind, String workflowId,
      String runId, long scheduledEventId, byte[] payload) {
    this(taskId, namespaceId, taskQueue, kind, workflowId, runId, scheduledEventId, payload, -1);
  }

  public QueueTask withPartition(int partition) {
    return partition == partitionId
        ? this
        : new QueueTask(taskId, namespaceId, taskQueue, kind, workflowId, runId, scheduledEventId,
            payload, partition);
  }
}
