package dev.sundial.persistence;

/**
 * The current-run pointer of a workflow id in a namespace: which run is the latest, whether it is
 * still running, and the request id that started it (for start idempotency).
 */
public record CurrentExecution(
    String namespaceId,
    String workflowId,
    String runId,
    boolean running,
    String startRequestId) {}
