package dev.sundial.engine.shard;

/** Identifies a workflow id within a namespace (all its runs). */
public record WorkflowKey(String namespaceId, String workflowId) {}
