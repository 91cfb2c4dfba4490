package dev.sundial.persistence;

/**
 * A durable timer (outbox task with a fire time): user timers, timeouts, retry backoffs. The
 * engine owns the meaning of {@code kind} and {@code payload}; processing is idempotent, so a
 * timer may fire more than once after a crash.
 */
public record TimerTask(
    long taskId,
    int shardId,
    long fireAtMillis,
    String namespaceId,
    String workflowId,
    String runId,
    int kind,
    byte[] payload) {}
