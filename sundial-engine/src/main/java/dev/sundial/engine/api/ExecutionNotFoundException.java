package dev.sundial.engine.api;

/** The workflow execution (or its current run) does not exist. */
public final class ExecutionNotFoundException extends EngineException {
  public ExecutionNotFoundException(String workflowId, String runId) {
    super(
        Code.NOT_FOUND,
        "workflow execution not found: WorkflowId="
            + workflowId
            + (runId == null || runId.isEmpty() ? "" : ", RunId=" + runId));
  }
}
