package dev.sundial.engine.api;

import io.temporal.api.common.v1.WorkflowExecution;

/** The parent of a child workflow run, recorded in the child's started event. */
public record ParentRun(
    String namespace, String namespaceId, String workflowId, String runId, long initiatedEventId,
    WorkflowExecution root) {}
