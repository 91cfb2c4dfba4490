package dev.sundial.engine.api;

/**
 * The workflow cannot answer yet (or ever): it closed before any workflow task completed, its
 * first task is not due in time, or its workflow task keeps failing. FAILED_PRECONDITION with a
 * WorkflowNotReadyFailure detail.
 */
public final class WorkflowNotReadyException extends EngineException {
  public WorkflowNotReadyException(String message) {
    super(Code.FAILED_PRECONDITION, message);
  }
}
