package dev.sundial.engine.history.update;

import dev.sundial.engine.api.EngineException;

/** Why an in-flight update ended without an outcome from the workflow. */
public final class UpdateAbortedException extends EngineException {
  public enum Reason {
    /** The run closed before the update was accepted. A caller may retry on a newer run. */
    WORKFLOW_CLOSING,
    /** The server lost the in-memory update (a failed write); the caller retries. */
    CLEARED,
    /** The workflow task that carried the update failed while completing. */
    WORKFLOW_TASK_FAILED
  }

  private final Reason reason;

  private UpdateAbortedException(Reason reason, Code code, String message) {
    super(code, message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  public static UpdateAbortedException closing() {
    return new UpdateAbortedException(
        Reason.WORKFLOW_CLOSING, Code.NOT_FOUND, "workflow update was aborted by closing workflow");
  }

  public static UpdateAbortedException cleared() {
    return new UpdateAbortedException(
        Reason.CLEARED, Code.UNAVAILABLE, "workflow update was aborted");
  }

  static UpdateAbortedException workflowTaskFailed() {
    return new UpdateAbortedException(
        Reason.WORKFLOW_TASK_FAILED, Code.FAILED_PRECONDITION,
        "Unable to perform workflow execution update due to unexpected workflow task failure.");
  }
}
