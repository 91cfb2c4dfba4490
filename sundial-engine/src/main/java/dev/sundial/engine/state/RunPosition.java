package dev.sundial.engine.state;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;

/**
 * Where a run's history stands, without the rest of its state: what a history long poll looks at
 * on every wake-up (decoding only this skips the payloads of the started event and of pending
 * activities).
 */
public record RunPosition(
    String namespaceId, String runId, WorkflowExecutionStatus status, long nextEventId,
    long completionEventId) {
  public boolean isRunning() {
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  static RunPosition of(MutableState s) {
    return new RunPosition(s.namespaceId, s.runId, s.status, s.nextEventId, s.completionEventId);
  }
}
