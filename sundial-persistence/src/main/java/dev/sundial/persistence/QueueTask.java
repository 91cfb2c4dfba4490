package dev.sundial.persistence;

/**
 * A durable task-queue backlog entry: a workflow or activity task waiting for a poller. Written in
 * the same transaction as the event that scheduled it and deleted in the transaction that records
 * it started (or when it turns out to be stale).
 */
public record QueueTask(
    long taskId,
    String namespaceId,
    String taskQueue,
    int kind,
    String workflowId,
    String runId,
    long scheduledEventId,
    byte[] payload) {

  public static final int KIND_WORKFLOW = 0;
  public static final int KIND_ACTIVITY = 1;
}
