package dev.sundial.engine.api;

/** A start was rejected because the workflow id is taken; carries what the SDK needs. */
public final class WorkflowAlreadyStartedException extends EngineException {
  private final String startRequestId;
  private final String runId;

  public WorkflowAlreadyStartedException(String message, String startRequestId, String runId) {
    super(Code.ALREADY_EXISTS, message);
    this.startRequestId = startRequestId;
    this.runId = runId;
  }

  public String startRequestId() {
    return startRequestId;
  }

  public String runId() {
    return runId;
  }
}
