package dev.sundial.persistence;

/**
 * One workflow run as stored: the engine's serialized mutable state plus the columns the store
 * needs to index or check. {@code dbVersion} increases by one with every committed write of the
 * run and is the optimistic-concurrency token.
 */
public record ExecutionRecord(
    String namespaceId,
    String workflowId,
    String runId,
    int shardId,
    long dbVersion,
    boolean running,
    long nextEventId,
    byte[] state) {}
