package dev.sundial.engine.schedule;

import static dev.sundial.engine.EngineHarness.T0;
import static dev.sundial.engine.EngineHarness.await;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.join;
import static dev.sundial.engine.EngineHarness.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sundial.engine.Commands;
import dev.sundial.engine.EngineHarness;
import dev.sundial.engine.MutableClock;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.persistence.schedule.ScheduleRecord;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.FailWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.schedule.v1.BackfillRequest;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.SchedulePatch;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.ScheduleState;
import io.temporal.api.schedule.v1.TriggerImmediatelyRequest;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CreateScheduleRequest;
import io.temporal.api.workflowservice.v1.DescribeScheduleResponse;
import io.temporal.api.workflowservice.v1.UpdateScheduleRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules on a real engine and SQLite file with a manual clock: actions at spec times, overlap
 * policies against running workflows, catch-up after a restart, patches, updates and errors.
 * Nothing polls the task queue, so started workflows stay running until a test terminates them.
 */
class ScheduleServiceTest {
  @TempDir Path dir;
  private MutableClock clock;
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    h = EngineHarness.onFile(dir.resolve("sundial.db"), clock);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void restart() {
    h.close();
    h = EngineHarness.onFile(dir.resolve("sundial.db"), clock);
  }

  private ScheduleService schedules() {
    return h.engine.schedules;
  }

  private static Schedule every(long seconds, ScheduleOverlapPolicy overlap, long catchupSeconds) {
    SchedulePolicies.Builder p = SchedulePolicies.newBuilder().setOverlapPolicy(overlap);
    if (catchupSeconds > 0) p.setCatchupWindow(seconds(catchupSeconds));
    return Schedule.newBuilder()
        .setSpec(ScheduleSpec.newBuilder()
            .addInterval(IntervalSpec.newBuilder().setInterval(seconds(seconds))))
        .setAction(ScheduleAction.newBuilder().setStartWorkflow(NewWorkflowExecutionInfo.newBuilder()
            .setWorkflowId("wf").setWorkflowType(WorkflowType.newBuilder().setName("W"))
            .setTaskQueue(TaskQueue.newBuilder().setName("q"))))
        .setPolicies(p)
        .build();
  }

  private void create(String id, Schedule schedule) {
    join(schedules().create(h.nsId, CreateScheduleRequest.newBuilder()
        .setNamespace("default").setScheduleId(id).setRequestId(UUID.randomUUID().toString())
        .setSchedule(schedule).build()));
  }

  private DescribeScheduleResponse describe(String id) {
    return join(schedules().describe(h.nsId, id));
  }

  private static String at(long secondsAfterT0) {
    return "wf-" + T0.plusSeconds(secondsAfterT0);
  }

  private boolean exists(String workflowId) {
    try {
      h.state(workflowId, "");
      return true;
    } catch (ExecutionNotFoundException e) {
      return false;
    }
  }

  private void awaitWorkflow(String workflowId) {
    await("workflow " + workflowId, () -> exists(workflowId), x -> x);
  }

  private void advanceTo(long secondsAfterT0) {
    clock.set(T0.plusSeconds(secondsAfterT0));
  }

  @Test
  void takesActionsAtSpecTimesAndDescribesThem() {
    create("s1", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0));
    assertThat(schedules().armedWakeup(h.nsId, "s1")).isEqualTo(T0.plusSeconds(10).toEpochMilli());
    advanceTo(10);
    awaitWorkflow(at(10));
    advanceTo(20);
    awaitWorkflow(at(20));
    assertThat(h.state(at(20), "").started.getSearchAttributes().getIndexedFieldsMap())
        .containsKey("TemporalScheduledById");
    DescribeScheduleResponse d = describe("s1");
    assertThat(d.getInfo().getActionCount()).isEqualTo(2);
    assertThat(d.getInfo().getRecentActionsList())
        .extracting(a -> a.getStartWorkflowResult().getWorkflowId())
        .containsExactly(at(10), at(20));
    assertThat(d.getInfo().getRunningWorkflowsCount()).isZero(); // ALLOW_ALL runs are not tracked
    assertThat(d.getInfo().getFutureActionTimesList()).hasSize(10);
    assertThat(d.getInfo().getFutureActionTimes(0).getSeconds()).isEqualTo(T0.plusSeconds(30).getEpochSecond());
    assertThat(d.getSchedule().getPolicies().getCatchupWindow().getSeconds()).isEqualTo(365L * 86400);
    assertThat(d.getConflictToken().size()).isEqualTo(8);
  }

  @Test
  void restartRunsMissedTimesWithinTheCatchupWindowAndCountsOlderOnes() {
    create("s2", every(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 10));
    h.close();
    clock.advance(Duration.ofSeconds(60));
    h = EngineHarness.onFile(dir.resolve("sundial.db"), clock);
    // The stored wake-up is overdue: the pass runs right after start.
    await("catch-up", () -> describe("s2").getInfo(), i -> i.getActionCount() == 11);
    DescribeScheduleResponse d = describe("s2");
    assertThat(d.getInfo().getMissedCatchupWindow()).isEqualTo(49);
    for (long s = 50; s <= 60; s++) {
      assertThat(exists(at(s))).as(at(s)).isTrue();
    }
    assertThat(exists(at(49))).isFalse();
  }

  @Test
  void skipDropsStartsWhileTheLastOneRuns() {
    create("s3", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0));
    advanceTo(10);
    awaitWorkflow(at(10));
    advanceTo(20);
    await("skip", () -> describe("s3").getInfo(), i -> i.getOverlapSkipped() == 1);
    assertThat(describe("s3").getInfo().getRunningWorkflowsList())
        .extracting(e -> e.getWorkflowId()).containsExactly(at(10));
    h.terminate(at(10), "done");
    advanceTo(30);
    awaitWorkflow(at(30));
    assertThat(exists(at(20))).isFalse();
    DescribeScheduleResponse d = describe("s3");
    assertThat(d.getInfo().getRecentActions(0).getStartWorkflowStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void bufferOneStartsTheBufferedActionAsSoonAsTheRunningOneCloses() {
    create("s4", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, 0));
    advanceTo(10);
    awaitWorkflow(at(10));
    advanceTo(20);
    await("buffered", () -> describe("s4").getInfo(), i -> i.getBufferSize() == 1);
    advanceTo(30);
    await("skipped", () -> describe("s4").getInfo(), i -> i.getOverlapSkipped() == 1);
    h.terminate(at(10), "done"); // the watch wakes the schedule; no clock change needed
    awaitWorkflow(at(20));
    assertThat(exists(at(30))).isFalse();
    assertThat(describe("s4").getInfo().getBufferSize()).isZero();
  }

  @Test
  void terminateOtherReplacesTheRunningWorkflow() {
    create("s5", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER, 0));
    advanceTo(10);
    awaitWorkflow(at(10));
    advanceTo(20);
    awaitWorkflow(at(20));
    assertThat(h.state(at(10), "").status).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(describe("s5").getInfo().getRunningWorkflowsList())
        .extracting(e -> e.getWorkflowId()).containsExactly(at(20));
  }

  @Test
  void pauseSkipsElapsedTimeAndUnpauseDoesNotReplayIt() {
    create("s6", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0));
    join(schedules().patch(h.nsId, "s6", SchedulePatch.newBuilder().setPause("maintenance").build()));
    DescribeScheduleResponse d = describe("s6");
    assertThat(d.getSchedule().getState().getPaused()).isTrue();
    assertThat(d.getSchedule().getState().getNotes()).isEqualTo("maintenance");
    assertThat(schedules().armedWakeup(h.nsId, "s6")).isNull();
    advanceTo(35);
    join(schedules().patch(h.nsId, "s6", SchedulePatch.newBuilder().setUnpause("back").build()));
    advanceTo(40);
    awaitWorkflow(at(40));
    d = describe("s6");
    assertThat(d.getInfo().getActionCount()).isEqualTo(1);
    assertThat(d.getSchedule().getState().getNotes()).isEqualTo("back");
  }

  @Test
  void triggerImmediatelyAndBackfill() {
    create("s7", every(3600, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0));
    advanceTo(5);
    join(schedules().patch(h.nsId, "s7", SchedulePatch.newBuilder()
        .setTriggerImmediately(TriggerImmediatelyRequest.getDefaultInstance()).build()));
    assertThat(exists(at(5))).isTrue();
    join(schedules().patch(h.nsId, "s7", SchedulePatch.newBuilder()
        .addBackfillRequest(BackfillRequest.newBuilder()
            .setStartTime(ts(T0.minusSeconds(3 * 3600))).setEndTime(ts(T0))
            .setOverlapPolicy(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL))
        .build()));
    for (long s = -3 * 3600; s <= 0; s += 3600) {
      assertThat(exists(at(s))).as(at(s)).isTrue();
    }
    assertThat(describe("s7").getInfo().getActionCount()).isEqualTo(5);
  }

  @Test
  void limitedActionsStopAfterTheLastOne() {
    Schedule s = every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0).toBuilder()
        .setState(ScheduleState.newBuilder().setLimitedActions(true).setRemainingActions(2))
        .build();
    create("s8", s);
    advanceTo(10);
    awaitWorkflow(at(10));
    advanceTo(20);
    awaitWorkflow(at(20));
    advanceTo(30);
    DescribeScheduleResponse d = describe("s8");
    assertThat(d.getInfo().getActionCount()).isEqualTo(2);
    assertThat(d.getSchedule().getState().getRemainingActions()).isZero();
    assertThat(d.getInfo().getFutureActionTimesList()).isEmpty();
    assertThat(exists(at(30))).isFalse();
  }

  @Test
  void updateChecksTheConflictTokenAndAppliesFromNow() {
    create("s9", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0));
    DescribeScheduleResponse d = describe("s9");
    var token = d.getConflictToken();
    Schedule faster = every(5, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0);
    advanceTo(3);
    join(schedules().update(h.nsId, UpdateScheduleRequest.newBuilder().setScheduleId("s9")
        .setSchedule(faster).setConflictToken(token).build()));
    EngineException stale = engineError(() -> schedules().update(h.nsId,
        UpdateScheduleRequest.newBuilder().setScheduleId("s9").setSchedule(faster)
            .setConflictToken(token).build()));
    assertThat(stale.code()).isEqualTo(EngineException.Code.FAILED_PRECONDITION);
    advanceTo(5);
    awaitWorkflow(at(5));
    d = describe("s9");
    assertThat(d.getInfo().getUpdateTime().getSeconds()).isEqualTo(T0.plusSeconds(3).getEpochSecond());
    assertThat(d.getSchedule().getSpec().getInterval(0).getInterval().getSeconds()).isEqualTo(5);
  }

  @Test
  void errors() {
    create("dup", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0));
    EngineException e = engineError(() -> schedules().create(h.nsId, CreateScheduleRequest.newBuilder()
        .setScheduleId("dup").setRequestId("other").setSchedule(every(10,
            ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0)).build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.ALREADY_EXISTS);
    assertThat(engineError(() -> schedules().describe(h.nsId, "nope")).code())
        .isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(engineError(() -> schedules().delete(h.nsId, "nope")).code())
        .isEqualTo(EngineException.Code.NOT_FOUND);
    Schedule bad = every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0).toBuilder()
        .setSpec(ScheduleSpec.newBuilder().addCronString("0 25 * * *")).build();
    e = engineError(() -> schedules().create(h.nsId, CreateScheduleRequest.newBuilder()
        .setScheduleId("bad").setRequestId("r").setSchedule(bad).build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("Invalid schedule spec").contains("cron_string[0]").contains("Hour");
  }

  @Test
  void deleteForgetsTheScheduleButNotItsWorkflows() {
    create("s10", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0));
    advanceTo(10);
    awaitWorkflow(at(10));
    join(schedules().delete(h.nsId, "s10"));
    assertThat(schedules().armedWakeup(h.nsId, "s10")).isNull();
    assertThat(engineError(() -> schedules().describe(h.nsId, "s10")).code())
        .isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(exists(at(10))).isTrue();
    restart();
    advanceTo(30);
    assertThat(join(schedules().list(h.nsId, 0, ByteString.EMPTY, "")).getSchedulesList())
        .isEmpty();
  }

  @Test
  void listPagesThroughSchedulesAndFilters() {
    for (int i = 0; i < 5; i++) {
      create("list-" + i, every(60, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0));
    }
    var first = join(schedules().list(h.nsId, 2, ByteString.EMPTY, ""));
    assertThat(first.getSchedulesList()).extracting(x -> x.getScheduleId()).containsExactly("list-0", "list-1");
    var second = join(schedules().list(h.nsId, 2, first.getNextPageToken(), ""));
    assertThat(second.getSchedulesList()).extracting(x -> x.getScheduleId()).containsExactly("list-2", "list-3");
    var third = join(schedules().list(h.nsId, 2, second.getNextPageToken(), ""));
    assertThat(third.getSchedulesList()).extracting(x -> x.getScheduleId()).containsExactly("list-4");
    assertThat(third.getNextPageToken().isEmpty()).isTrue();
    assertThat(first.getSchedules(0).getInfo().getWorkflowType().getName()).isEqualTo("W");
    assertThat(first.getSchedules(0).getInfo().getFutureActionTimesList()).hasSize(5);
    var filtered = join(schedules().list(h.nsId, 0, ByteString.EMPTY,
        "ScheduleId IN ('list-1', 'list-3') AND TemporalSchedulePaused = false"));
    assertThat(filtered.getSchedulesList()).extracting(x -> x.getScheduleId()).containsExactly("list-1", "list-3");
    assertThat(engineError(() -> schedules().list(h.nsId, 0, ByteString.EMPTY,
        "ScheduleId = ")).code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
  }

  @Test
  void pauseOnFailurePausesWithNotesAndCompletedResultsReachTheNextRun() {
    Schedule s = every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0).toBuilder()
        .setPolicies(SchedulePolicies.newBuilder().setPauseOnFailure(true))
        .build();
    create("s11", s);
    advanceTo(10);
    awaitWorkflow(at(10));
    var wt = h.pollWorkflowTask("q");
    h.completeWorkflowTask(wt.getTaskToken(),
        Commands.completeWorkflow(EngineHarness.payloads("first")));
    advanceTo(20);
    awaitWorkflow(at(20));
    assertThat(h.state(at(20), "").started.getLastCompletionResult())
        .isEqualTo(EngineHarness.payloads("first"));
    wt = h.pollWorkflowTask("q");
    h.completeWorkflowTask(wt.getTaskToken(), Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION)
        .setFailWorkflowExecutionCommandAttributes(
            FailWorkflowExecutionCommandAttributes.newBuilder()
                .setFailure(Failure.newBuilder().setMessage("boom")))
        .build());
    // The watch on the running workflow wakes the schedule: it pauses without waiting for 30 s.
    DescribeScheduleResponse d = await("paused", () -> describe("s11"),
        x -> x.getSchedule().getState().getPaused());
    assertThat(d.getSchedule().getState().getNotes()).contains(at(20)).contains("boom");
    assertThat(d.getInfo().getRecentActions(1).getStartWorkflowStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    advanceTo(30);
    assertThat(describe("s11").getInfo().getActionCount()).isEqualTo(2);
    assertThat(exists(at(30))).isFalse();
  }

  @Test
  void describeAndMatchingTimesAfterRestart() {
    Schedule cron = every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0).toBuilder()
        .setSpec(ScheduleSpec.newBuilder().addCronString("CRON_TZ=Asia/Tokyo 0 9 * * *")).build();
    create("s12", cron);
    restart();
    DescribeScheduleResponse d = describe("s12");
    assertThat(d.getSchedule().getSpec().getTimezoneName()).isEqualTo("Asia/Tokyo");
    assertThat(d.getSchedule().getSpec().getCronStringCount()).isZero();
    assertThat(d.getInfo().getFutureActionTimes(0).getSeconds())
        .isEqualTo(Instant.parse("2024-01-02T00:00:00Z").getEpochSecond()); // 09:00 in Tokyo
    var times = join(schedules().matchingTimes(h.nsId, "s12",
        T0.toEpochMilli(), T0.plus(Duration.ofDays(3)).toEpochMilli())).getStartTimeList();
    assertThat(times).extracting(Timestamp::getSeconds).containsExactly(
        Instant.parse("2024-01-02T00:00:00Z").getEpochSecond(),
        Instant.parse("2024-01-03T00:00:00Z").getEpochSecond(),
        Instant.parse("2024-01-04T00:00:00Z").getEpochSecond());
  }

  @Test
  void aPassRepeatedAfterACrashFindsTheRunsItStartedInsteadOfStartingMore() {
    create("s13", every(10, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0));
    var schedulesTable = h.store.schedules();
    var before = schedulesTable.getSchedule(h.nsId, "s13").orElseThrow();
    advanceTo(10);
    awaitWorkflow(at(10));
    String runId = h.state(at(10), "").runId;
    // Simulate a crash between starting the workflow and writing the schedule row: put the old
    // state back (as the next version) and let the schedule process T0+10 s again.
    var after = await("row written", () -> schedulesTable.getSchedule(h.nsId, "s13").orElseThrow(),
        r -> r.version() > before.version());
    schedulesTable.writeSchedule(rangeOf(after.shardId()), new ScheduleRecord(
        h.nsId, "s13", after.shardId(), after.version() + 1, before.nextWakeupMillis(), before.state()),
        after.version());
    restart();
    DescribeScheduleResponse d = await("re-processed", () -> describe("s13"), x -> x.getInfo().getActionCount() == 1);
    assertThat(d.getInfo().getRecentActions(0).getStartWorkflowResult().getRunId()).isEqualTo(runId);
    assertThat(d.getInfo().getRunningWorkflowsList()).extracting(e -> e.getRunId()).containsExactly(runId);
    assertThat(d.getInfo().getOverlapSkipped()).isZero();
    assertThat(h.state(at(10), "").runId).isEqualTo(runId);
  }

  /** The current range id of a shard (the engine holds every shard). */
  private long rangeOf(int shardId) {
    return h.store.acquireShard(shardId, "test"); // takes the shard over: the engine restarts next
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
  }
}
