package dev.sundial.engine.schedule;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.schedule.spec.CompiledSpec;
import dev.sundial.engine.state.Durations;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The scheduler's pure transitions over a {@link ScheduleState}: which spec times are due, the
 * catch-up window, the overlap policies' buffer, limited actions, backfills, the start request
 * for an action, future action times and the next wake-up. No clock, no I/O: the caller passes
 * "now" and does the starts, cancels and terminations the results ask for.
 */
public final class ScheduleLogic {
  public static final long DEFAULT_CATCHUP_WINDOW_MS = 365L * 24 * 3600 * 1000;
  public static final long MIN_CATCHUP_WINDOW_MS = 10_000;
  public static final int RECENT_ACTIONS = 10;
  public static final int FUTURE_ACTIONS = 10;
  public static final int LIST_RECENT_ACTIONS = 5;
  public static final int LIST_FUTURE_ACTIONS = 5;
  public static final int MAX_BUFFER = 1000;
  /**
   * Backfilled starts expanded per pass, and passes of a backfill at most one per second: one
   * schedule backfills at most 10 starts a second, whatever its overlap policy.
   */
  public static final int BACKFILL_PER_PASS = 10;
  public static final long BACKFILL_INTERVAL_MS = 1000;
  /** A backfill request may cover at most this many spec times (more is refused: split it). */
  public static final int MAX_BACKFILL_ACTIONS = 10_000;
  /** How often a start waiting on a running workflow re-checks it (besides change watches). */
  public static final long WAIT_POLL_MS = 1000;
  /** Missed times counted one by one before the rest of a long outage is skipped wholesale. */
  static final int MAX_MISSED_COUNTED = 100_000;

  private ScheduleLogic() {}

  // ------------------------------------------------------------------ policies

  /** Fills the defaults Temporal shows on Describe: overlap SKIP, catch-up window 1 year (min 10 s). */
  public static Schedule withDefaults(Schedule s) {
    Schedule.Builder b = s.toBuilder();
    SchedulePolicies.Builder p = b.getPoliciesBuilder();
    if (p.getOverlapPolicy() == ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) {
      p.setOverlapPolicy(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    }
    long window = p.hasCatchupWindow() ? Durations.toMillis(p.getCatchupWindow()) : DEFAULT_CATCHUP_WINDOW_MS;
    p.setCatchupWindow(Durations.ofMillis(Math.max(window, MIN_CATCHUP_WINDOW_MS)));
    b.setState(b.getState()); // present on Describe even when the caller sent none
    return b.build();
  }

  static long catchupWindow(ScheduleState s) {
    SchedulePolicies p = s.schedule.getPolicies();
    long window = p.hasCatchupWindow() ? Durations.toMillis(p.getCatchupWindow()) : DEFAULT_CATCHUP_WINDOW_MS;
    return Math.max(window, MIN_CATCHUP_WINDOW_MS);
  }

  static ScheduleOverlapPolicy resolve(ScheduleState s, int policy) {
    ScheduleOverlapPolicy p = ScheduleOverlapPolicy.forNumber(policy);
    if (p == null || p == ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED) {
      p = s.schedule.getPolicies().getOverlapPolicy();
    }
    if (p == null || p == ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED
        || p == ScheduleOverlapPolicy.UNRECOGNIZED) {
      p = ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP;
    }
    return p;
  }

  public static String jitterSeed(ScheduleState s) {
    return s.namespaceId + "-" + s.scheduleId;
  }

  /**
   * Whether an action may be taken now: manual ones (trigger, backfill) always; scheduled ones
   * unless paused or out of remaining actions. With {@code decrement}, uses up one remaining action.
   */
  static boolean canTakeAction(ScheduleState s, boolean manual, boolean decrement) {
    if (manual) {
      return true;
    }
    var st = s.schedule.getState();
    if (st.getPaused()) {
      return false;
    }
    if (!st.getLimitedActions()) {
      return true;
    }
    if (st.getRemainingActions() > 0) {
      if (decrement) {
        s.schedule = s.schedule.toBuilder()
            .setState(st.toBuilder().setRemainingActions(st.getRemainingActions() - 1))
            .build();
        s.conflictToken++;
      }
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ time processing

  /**
   * Handles the spec times that came due up to {@code now}: those within the catch-up window are
   * buffered, older ones are counted as missed. While paused (or out of actions) the elapsed time
   * is skipped, so unpausing does not replay it.
   */
  public static void advance(ScheduleState s, CompiledSpec spec, long now) {
    if (!canTakeAction(s, false, false)) {
      s.lastProcessedMillis = Math.max(s.lastProcessedMillis, now);
      return;
    }
    long window = catchupWindow(s);
    String seed = jitterSeed(s);
    long t = s.lastProcessedMillis;
    int missedCounted = 0;
    while (true) {
      CompiledSpec.Next n = spec.next(seed, t);
      if (n == null || n.actualMillis() > now) {
        break;
      }
      t = n.actualMillis();
      if (s.updateTime > n.actualMillis()) {
        continue; // before the last update: the old spec already had its chance
      }
      if (now - n.actualMillis() > window) {
        s.missedCatchupWindow++;
        if (++missedCounted >= MAX_MISSED_COUNTED) {
          t = Math.max(t, now - window - 1); // a very long outage: skip the rest uncounted
        }
        continue;
      }
      addStart(s, new ScheduleState.BufferedStart(n.nominalMillis(), n.actualMillis(),
          0, false, scheduledRequestId(s, n.nominalMillis())));
    }
    s.lastProcessedMillis = Math.max(s.lastProcessedMillis, t);
  }

  /** Deterministic per schedule incarnation and nominal time, so a retried pass dedups. */
  static String scheduledRequestId(ScheduleState s, long nominalMillis) {
    return UUID.nameUUIDFromBytes(
        (s.incarnation + "/" + nominalMillis).getBytes(StandardCharsets.UTF_8)).toString();
  }

  static void addStart(ScheduleState s, ScheduleState.BufferedStart start) {
    if (s.buffer.size() >= MAX_BUFFER) {
      s.bufferDropped++;
      return;
    }
    s.buffer.add(start);
  }

  /**
   * Refuses a backfill that is reversed or covers more than {@link #MAX_BACKFILL_ACTIONS} spec
   * times (counted, stopping at the cap).
   */
  public static void checkBackfill(ScheduleState s, CompiledSpec spec, long startMillis, long endMillis) {
    if (startMillis > endMillis) {
      throw EngineException.invalidArgument(
          "BackfillRequest StartTime is after its EndTime.");
    }
    String seed = jitterSeed(s);
    long cursor = startMillis - 1;
    for (int n = 0; n <= MAX_BACKFILL_ACTIONS; n++) {
      CompiledSpec.Next next = spec.next(seed, cursor);
      if (next == null || next.actualMillis() > endMillis) return;
      cursor = next.actualMillis();
    }
    throw EngineException.invalidArgument("BackfillRequest covers more than "
        + MAX_BACKFILL_ACTIONS + " schedule times; split it into smaller backfills.");
  }

  /** Expands backfills in progress into manual starts, a bounded number per pass. */
  public static void expandBackfills(ScheduleState s, CompiledSpec spec) {
    String seed = jitterSeed(s);
    int budget = BACKFILL_PER_PASS;
    while (!s.backfills.isEmpty() && budget > 0 && s.buffer.size() < MAX_BUFFER / 2) {
      ScheduleState.Backfill b = s.backfills.get(0);
      CompiledSpec.Next n = spec.next(seed, b.cursorMillis);
      if (n == null || n.actualMillis() > b.endMillis) {
        s.backfills.remove(0);
        continue;
      }
      addStart(s, new ScheduleState.BufferedStart(n.nominalMillis(), n.actualMillis(),
          b.overlapPolicy, true, b.id + "/" + n.nominalMillis()));
      b.cursorMillis = n.actualMillis();
      budget--;
    }
  }

  // ------------------------------------------------------------------ overlap policies

  /** What to do with the buffer now. */
  public static final class Decision {
    /** ALLOW_ALL starts: taken all at once, not tracked as running. */
    public final List<ScheduleState.BufferedStart> overlapping = new ArrayList<>();
    /** The one start that may run now without overlapping, or null. */
    public ScheduleState.BufferedStart single;
    public boolean cancelRunning;
    public boolean terminateRunning;
  }

  /**
   * Applies the overlap policies to the buffer, given whether a workflow of this schedule is
   * running: takes out what may start now, counts skipped starts, keeps the rest buffered.
   */
  public static Decision takeFromBuffer(ScheduleState s, boolean running) {
    Decision d = new Decision();
    List<ScheduleState.BufferedStart> keep = new ArrayList<>();
    for (ScheduleState.BufferedStart start : s.buffer) {
      ScheduleOverlapPolicy p = resolve(s, start.overlapPolicy());
      if (p == ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
        d.overlapping.add(start);
        continue;
      }
      if (!running && d.single == null) {
        d.single = start;
        continue;
      }
      switch (p) {
        case SCHEDULE_OVERLAP_POLICY_BUFFER_ONE -> {
          if (keep.isEmpty()) keep.add(start); else s.overlapSkipped++;
        }
        case SCHEDULE_OVERLAP_POLICY_BUFFER_ALL -> keep.add(start);
        case SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER -> {
          if (running) {
            d.cancelRunning = true;
            keep.add(start);
          } else {
            d.single = start; // replaces the one not started yet
          }
        }
        case SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER -> {
          if (running) {
            d.terminateRunning = true;
            keep.add(start);
          } else {
            d.single = start;
          }
        }
        default -> s.overlapSkipped++; // SKIP
      }
    }
    if (d.cancelRunning || d.terminateRunning) {
      d.overlapping.clear(); // they would be cancelled/terminated right away too
    }
    s.buffer.clear();
    s.buffer.addAll(keep);
    return d;
  }

  // ------------------------------------------------------------------ actions

  static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

  /** The workflow id of an action: the action's id plus "-" and the nominal time (RFC 3339). */
  public static String workflowId(ScheduleState s, long nominalMillis) {
    String base = s.schedule.getAction().getStartWorkflow().getWorkflowId();
    if (s.schedule.getPolicies().getKeepOriginalWorkflowId()) {
      return base;
    }
    return base + "-" + RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(nominalMillis, 1000)));
  }

  /** The StartWorkflowExecution request for one action. */
  public static StartWorkflowExecutionRequest startRequest(
      ScheduleState s, ScheduleState.BufferedStart start, String namespaceName) {
    NewWorkflowExecutionInfo a = s.schedule.getAction().getStartWorkflow();
    StartWorkflowExecutionRequest.Builder r =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(namespaceName)
            .setWorkflowId(workflowId(s, start.nominalMillis()))
            .setWorkflowType(a.getWorkflowType())
            .setTaskQueue(a.getTaskQueue())
            .setWorkflowExecutionTimeout(a.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(a.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(a.getWorkflowTaskTimeout())
            .setIdentity("sundial-scheduler-" + namespaceName + "-" + s.scheduleId)
            .setRequestId(start.requestId())
            .setWorkflowIdReusePolicy(start.manual()
                ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE
                : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setSearchAttributes(withScheduledAttributes(a.getSearchAttributes(), s.scheduleId,
                start.nominalMillis()));
    if (a.hasInput()) r.setInput(a.getInput());
    if (a.hasRetryPolicy()) r.setRetryPolicy(a.getRetryPolicy());
    if (a.hasMemo()) r.setMemo(a.getMemo());
    if (a.hasHeader()) r.setHeader(a.getHeader());
    if (a.hasUserMetadata()) r.setUserMetadata(a.getUserMetadata());
    if (a.hasPriority()) r.setPriority(a.getPriority());
    boolean allowAll = resolve(s, start.overlapPolicy())
        == ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
    if (!allowAll) {
      if (s.lastCompletionResult != null) r.setLastCompletionResult(s.lastCompletionResult);
      if (s.continuedFailure != null) r.setContinuedFailure(s.continuedFailure);
    }
    return r.build();
  }

  /** Search attributes of a scheduled workflow: the action's, plus which schedule and when. */
  static SearchAttributes withScheduledAttributes(
      SearchAttributes base, String scheduleId, long nominalMillis) {
    String when = RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(nominalMillis, 1000)));
    return base.toBuilder()
        .putIndexedFields(SCHEDULED_START_TIME, json("\"" + when + "\"", "Datetime"))
        .putIndexedFields(SCHEDULED_BY_ID, json(quote(scheduleId), "Keyword"))
        .build();
  }

  public static final String SCHEDULED_START_TIME = "TemporalScheduledStartTime";
  public static final String SCHEDULED_BY_ID = "TemporalScheduledById";

  private static Payload json(String json, String type) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .putMetadata("type", ByteString.copyFromUtf8(type))
        .setData(ByteString.copyFromUtf8(json))
        .build();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /** Records a taken action: counters, recent actions, and (unless ALLOW_ALL) the running list. */
  public static void recordAction(
      ScheduleState s, ScheduleState.BufferedStart start, String workflowId, String runId,
      long now, boolean track) {
    s.actionCount++;
    WorkflowExecution ex = WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build();
    s.recentActions.add(ScheduleActionResult.newBuilder()
        .setScheduleTime(timestamp(start.actualMillis()))
        .setActualTime(timestamp(now))
        .setStartWorkflowResult(ex)
        .setStartWorkflowStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
        .build());
    while (s.recentActions.size() > RECENT_ACTIONS) {
      s.recentActions.remove(0);
    }
    if (track) {
      s.running.add(ex);
    }
  }

  // ------------------------------------------------------------------ looking ahead

  /** The next {@code n} action times (fewer when actions are limited or the spec ends). */
  public static List<Long> futureActionTimes(ScheduleState s, CompiledSpec spec, int n) {
    var st = s.schedule.getState();
    if (st.getLimitedActions()) {
      n = (int) Math.min(n, Math.max(0, st.getRemainingActions()));
    }
    List<Long> out = new ArrayList<>();
    String seed = jitterSeed(s);
    long t = s.lastProcessedMillis;
    int guard = 0;
    while (out.size() < n && guard++ < 10_000) {
      CompiledSpec.Next next = spec.next(seed, t);
      if (next == null) {
        break;
      }
      t = next.actualMillis();
      if (s.updateTime > t) {
        continue;
      }
      out.add(t);
    }
    return out;
  }

  /**
   * When the schedule next needs attention: its next spec time (unless paused or out of
   * actions), soon when starts wait on a running workflow, at once while backfills remain.
   * {@code Long.MAX_VALUE} when nothing is due until someone changes the schedule.
   */
  public static long nextWakeup(ScheduleState s, CompiledSpec spec, long now) {
    long wake = Long.MAX_VALUE;
    if (canTakeAction(s, false, false)) {
      CompiledSpec.Next n = spec.next(jitterSeed(s), s.lastProcessedMillis);
      if (n != null) {
        wake = n.actualMillis();
      }
    }
    if (!s.buffer.isEmpty()) {
      wake = Math.min(wake, s.running.isEmpty() ? now : now + WAIT_POLL_MS);
    }
    if (!s.backfills.isEmpty()) {
      wake = Math.min(wake, now + (s.buffer.size() >= MAX_BUFFER / 2 ? WAIT_POLL_MS : BACKFILL_INTERVAL_MS));
    }
    return wake;
  }

  static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }
}
