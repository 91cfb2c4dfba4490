package dev.sundial.engine.state;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskCompletedEventAttributes;
import io.temporal.api.workflow.v1.ResetPointInfo;
import io.temporal.api.workflow.v1.ResetPoints;
import java.util.ArrayList;
import java.util.List;

/**
 * Auto-reset points, as Temporal keeps them: the first WorkflowTaskCompleted of each (binary
 * checksum, build id) a run sees becomes a ResetPointInfo (at most {@link #MAX_POINTS}, oldest
 * dropped), marked resettable when the run has no pending child, external signal or external
 * cancel at that point. A run continuing another (continue-as-new, retry, cron) starts with the
 * previous run's points, which then expire a retention after the handover.
 */
public final class AutoResetPoints {
  /** Temporal's history.historyMaxAutoResetPoints default. */
  public static final int MAX_POINTS = 20;

  private AutoResetPoints() {}

  /** Records a reset point for a WorkflowTaskCompleted event just written (or replayed). */
  public static void onWorkflowTaskCompleted(MutableState s, HistoryEvent completed) {
    WorkflowTaskCompletedEventAttributes a = completed.getWorkflowTaskCompletedEventAttributes();
    String checksum = a.getBinaryChecksum();
    String buildId =
        a.hasDeployment() && !a.getDeployment().getBuildId().isEmpty()
            ? a.getDeployment().getBuildId()
            : a.getWorkerVersion().getBuildId();
    for (ResetPointInfo p : s.reset.autoResetPoints.getPointsList()) {
      if (p.getBinaryChecksum().equals(checksum) && p.getBuildId().equals(buildId)) {
        return; // the usual case: this build already has its point
      }
    }
    List<ResetPointInfo> points = new ArrayList<>(s.reset.autoResetPoints.getPointsList());
    points.add(
        ResetPointInfo.newBuilder()
            .setBinaryChecksum(checksum)
            .setBuildId(buildId)
            .setRunId(s.runId)
            .setFirstWorkflowTaskCompletedId(completed.getEventId())
            .setCreateTime(completed.getEventTime())
            .setResettable(resettable(s))
            .build());
    if (points.size() > MAX_POINTS) {
      points = points.subList(points.size() - MAX_POINTS, points.size());
    }
    s.reset.autoResetPoints = ResetPoints.newBuilder().addAllPoints(points).build();
    s.dirty = true;
  }

  /** Temporal's CheckResettable: no pending child workflows, external signals or cancels. */
  static boolean resettable(MutableState s) {
    return s.children.isEmpty() && s.externalRequests.isEmpty();
  }

  /**
   * The points a run continuing {@code previous} starts with (its started event's
   * prev_auto_reset_points): those not yet expired, the previous run's own ones expiring a
   * retention after {@code now}.
   */
  public static ResetPoints carriedOver(MutableState previous, long now, long retentionMillis) {
    ResetPoints.Builder b = ResetPoints.newBuilder();
    for (ResetPointInfo p : previous.reset.autoResetPoints.getPointsList()) {
      if (p.hasExpireTime() && EventTimes.millis(p.getExpireTime()) < now) {
        continue;
      }
      if (p.getRunId().equals(previous.runId) && retentionMillis > 0) {
        p = p.toBuilder().setExpireTime(MutableState.timestamp(now + retentionMillis)).build();
      }
      b.addPoints(p);
    }
    return b.build();
  }

  /** A new run's points: those its started event carries over (see {@link #carriedOver}). */
  public static void onStarted(MutableState s) {
    if (s.started != null && s.started.hasPrevAutoResetPoints()) {
      s.reset.autoResetPoints = s.started.getPrevAutoResetPoints();
    }
  }
}
