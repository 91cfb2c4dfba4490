package dev.sundial.engine.schedule;

import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything Sundial keeps about one schedule: the user's schedule (canonical spec, action,
 * policies with their defaults filled in, state), memo and search attributes, the counters and
 * histories Describe shows, and the scheduler's own bookkeeping (how far time has been processed,
 * starts waiting on the overlap policy, backfills in progress). Times are epoch milliseconds.
 */
public final class ScheduleState {
  public String namespaceId;
  public String scheduleId;
  /** Random per creation: request ids of scheduled starts derive from it (idempotent retries). */
  public String incarnation;
  public String createRequestId = "";

  public Schedule schedule;
  public Memo memo = Memo.getDefaultInstance();
  public SearchAttributes searchAttributes = SearchAttributes.getDefaultInstance();

  /** Bumped by every user-visible change; UpdateSchedule may require it unchanged. */
  public long conflictToken = 1;
  public long createTime;
  /** 0 until the first update; scheduled times before it are not acted on. */
  public long updateTime;
  /** Spec times up to here (their jittered time) have been handled. */
  public long lastProcessedMillis;

  public long actionCount;
  public long missedCatchupWindow;
  public long overlapSkipped;
  public long bufferDropped;
  /** Workflows started by this schedule that were running at the last look (first run ids). */
  public final List<WorkflowExecution> running = new ArrayList<>();
  public final List<ScheduleActionResult> recentActions = new ArrayList<>();
  /** Starts due but not taken yet (waiting for the overlap policy), oldest first. */
  public final List<BufferedStart> buffer = new ArrayList<>();
  public final List<Backfill> backfills = new ArrayList<>();

  /** Handed to the next started workflow, as Temporal does (not for ALLOW_ALL starts). */
  public Payloads lastCompletionResult;
  public Failure continuedFailure;

  /** The stored row's version this state was read from (0: not stored yet). */
  public long version;

  /** One action waiting to be taken. {@code overlapPolicy} 0 means the schedule's policy. */
  public record BufferedStart(
      long nominalMillis, long actualMillis, int overlapPolicy, boolean manual, String requestId) {}

  /** A backfill in progress: spec times in (cursorMillis, endMillis] are still to be taken. */
  public static final class Backfill {
    public final String id;
    public long cursorMillis;
    public final long endMillis;
    public final int overlapPolicy;

    public Backfill(String id, long cursorMillis, long endMillis, int overlapPolicy) {
      this.id = id;
      this.cursorMillis = cursorMillis;
      this.endMillis = endMillis;
      this.overlapPolicy = overlapPolicy;
    }
  }
}
