package dev.sundial.engine.state;

import io.temporal.api.workflow.v1.ResetPoints;

/**
 * What a run remembers about resets: its auto-reset points (one per binary checksum / build id,
 * at the first workflow task it completed), and the links between a reset run and the run it was
 * reset from. Stored with the run's state (StoredResetInfo).
 */
public final class ResetInfo {
  /** WorkflowExecutionInfo.auto_reset_points. */
  public ResetPoints autoResetPoints = ResetPoints.getDefaultInstance();
  /** The run this one was reset from ("" when it is not a reset run). */
  public String baseRunId = "";
  /** The last event of the base run copied into this run. */
  public long baseLastEventId;
  /** The reset request that created this run (for request-id idempotency). */
  public String resetRequestId = "";
  /** When this run was created by a reset (0 when it was not). */
  public long resetTime;
  /** On a run that was reset: the run created by the (latest) reset of it. */
  public String resetRunId = "";
  /** Time of the run's WorkflowExecutionStarted event (a reset run keeps its base's). */
  public long originalStartTime;

  public boolean isResetRun() {
    return !baseRunId.isEmpty();
  }
}
