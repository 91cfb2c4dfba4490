package dev.sundial.engine.api;

/** The workflow execution (or its current run) does not exist. */
public final class ExecutionNotFoundException extends EngineException {
  private final String workflowId;
  private final String runId;

  public ExecutionNotFoundException(String workflowId, String runId) {
    super(
        Code.NOT_FOUND,
        "workflow execution not found: WorkflowId="
            + workflowId
            + (runId == null || runId.isEmpty() ? "" : ", RunId=" + runId));
    this.workflowId = workflowId;
    this.runId = runId;
  }

  public String workflowId() {
    return workflowId;
  }

  public String runId() {
    return runId;
  }
}
