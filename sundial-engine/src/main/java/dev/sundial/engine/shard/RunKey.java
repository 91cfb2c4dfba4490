package dev.sundial.engine.shard;

/** Identifies one run. */
public record RunKey(String namespaceId, String workflowId, String runId) {}
