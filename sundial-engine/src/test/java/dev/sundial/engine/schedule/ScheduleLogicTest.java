package dev.sundial.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.sundial.engine.schedule.spec.CompiledSpec;
import dev.sundial.engine.schedule.spec.ScheduleSpecs;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's pure transitions: due times, catch-up window, overlap buffer, limits. */
class ScheduleLogicTest {
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();

  private static ScheduleState state(long everySeconds, ScheduleOverlapPolicy overlap, long catchupSeconds) {
    ScheduleState s = new ScheduleState();
    s.namespaceId = "ns";
    s.scheduleId = "sched";
    s.incarnation = "inc";
    SchedulePolicies.Builder p = SchedulePolicies.newBuilder().setOverlapPolicy(overlap);
    if (catchupSeconds > 0) p.setCatchupWindow(Duration.newBuilder().setSeconds(catchupSeconds));
    s.schedule = ScheduleLogic.withDefaults(Schedule.newBuilder()
        .setSpec(ScheduleSpec.newBuilder()
            .addInterval(IntervalSpec.newBuilder().setInterval(Duration.newBuilder().setSeconds(everySeconds))))
        .setAction(ScheduleAction.newBuilder().setStartWorkflow(NewWorkflowExecutionInfo.newBuilder()
            .setWorkflowId("wf").setWorkflowType(WorkflowType.newBuilder().setName("W"))
            .setTaskQueue(TaskQueue.newBuilder().setName("q"))))
        .setPolicies(p)
        .build());
    s.createTime = T0;
    s.lastProcessedMillis = T0;
    return s;
  }

  private static CompiledSpec spec(ScheduleState s) {
    return ScheduleSpecs.compile(s.schedule.getSpec());
  }

  private static ScheduleState.BufferedStart start(long at, ScheduleOverlapPolicy p) {
    return new ScheduleState.BufferedStart(at, at, p.getNumber(), false, "r" + at);
  }

  @Test
  void defaultsAreFilledIn() {
    Schedule s = ScheduleLogic.withDefaults(Schedule.getDefaultInstance());
    assertThat(s.getPolicies().getOverlapPolicy()).isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(s.getPolicies().getCatchupWindow().getSeconds()).isEqualTo(365L * 24 * 3600);
    Schedule tiny = ScheduleLogic.withDefaults(Schedule.newBuilder()
        .setPolicies(SchedulePolicies.newBuilder().setCatchupWindow(Duration.newBuilder().setSeconds(2)))
        .build());
    assertThat(tiny.getPolicies().getCatchupWindow().getSeconds()).isEqualTo(10);
  }

  @Test
  void dueTimesWithinTheCatchupWindowAreBufferedOlderOnesCountedAsMissed() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 10);
    ScheduleLogic.advance(s, spec(s), T0 + 30_000);
    // T0+1s .. T0+30s are due; those more than 10 s old (T0+1 .. T0+19) are missed.
    assertThat(s.missedCatchupWindow).isEqualTo(19);
    assertThat(s.buffer).hasSize(11);
    assertThat(s.buffer.get(0).nominalMillis()).isEqualTo(T0 + 20_000);
    assertThat(s.lastProcessedMillis).isEqualTo(T0 + 30_000);
    // Nothing is handled twice.
    ScheduleLogic.advance(s, spec(s), T0 + 30_500);
    assertThat(s.buffer).hasSize(11);
    assertThat(s.missedCatchupWindow).isEqualTo(19);
  }

  @Test
  void scheduledRequestIdsAreStablePerNominalTime() {
    ScheduleState a = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    ScheduleState b = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    ScheduleLogic.advance(a, spec(a), T0 + 3000);
    ScheduleLogic.advance(b, spec(b), T0 + 5000);
    assertThat(b.buffer.subList(0, 3)).isEqualTo(a.buffer);
  }

  @Test
  void pausedSchedulesSkipElapsedTime() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    s.schedule = s.schedule.toBuilder().setState(s.schedule.getState().toBuilder().setPaused(true)).build();
    ScheduleLogic.advance(s, spec(s), T0 + 60_000);
    assertThat(s.buffer).isEmpty();
    assertThat(s.lastProcessedMillis).isEqualTo(T0 + 60_000);
    assertThat(ScheduleLogic.nextWakeup(s, spec(s), T0 + 60_000)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void timesBeforeAnUpdateAreNotActedOn() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0);
    s.updateTime = T0 + 5_500;
    ScheduleLogic.advance(s, spec(s), T0 + 8_000);
    assertThat(s.buffer).extracting(ScheduleState.BufferedStart::nominalMillis)
        .containsExactly(T0 + 6_000, T0 + 7_000, T0 + 8_000);
  }

  @Test
  void skipStartsOneAndDropsOverlaps() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    s.buffer.addAll(List.of(start(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED),
        start(2, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED)));
    ScheduleLogic.Decision d = ScheduleLogic.takeFromBuffer(s, false);
    assertThat(d.single.nominalMillis()).isEqualTo(1);
    assertThat(s.buffer).isEmpty();
    assertThat(s.overlapSkipped).isEqualTo(1);
    s.buffer.add(start(3, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    d = ScheduleLogic.takeFromBuffer(s, true);
    assertThat(d.single).isNull();
    assertThat(s.overlapSkipped).isEqualTo(2);
  }

  @Test
  void bufferOneKeepsOneBufferAllKeepsAll() {
    ScheduleState one = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, 0);
    for (int i = 1; i <= 3; i++) one.buffer.add(start(i, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    ScheduleLogic.Decision d = ScheduleLogic.takeFromBuffer(one, true);
    assertThat(d.single).isNull();
    assertThat(one.buffer).extracting(ScheduleState.BufferedStart::nominalMillis).containsExactly(1L);
    assertThat(one.overlapSkipped).isEqualTo(2);
    d = ScheduleLogic.takeFromBuffer(one, false);
    assertThat(d.single.nominalMillis()).isEqualTo(1);

    ScheduleState all = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, 0);
    for (int i = 1; i <= 3; i++) all.buffer.add(start(i, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    ScheduleLogic.takeFromBuffer(all, true);
    assertThat(all.buffer).hasSize(3);
    assertThat(all.overlapSkipped).isZero();
    d = ScheduleLogic.takeFromBuffer(all, false);
    assertThat(d.single.nominalMillis()).isEqualTo(1);
    assertThat(all.buffer).hasSize(2);
  }

  @Test
  void allowAllStartsEverythingCancelAndTerminateStopTheRunningOne() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, 0);
    for (int i = 1; i <= 3; i++) s.buffer.add(start(i, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    ScheduleLogic.Decision d = ScheduleLogic.takeFromBuffer(s, true);
    assertThat(d.overlapping).hasSize(3);
    assertThat(d.single).isNull();

    ScheduleState c = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER, 0);
    c.buffer.add(start(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    d = ScheduleLogic.takeFromBuffer(c, true);
    assertThat(d.cancelRunning).isTrue();
    assertThat(c.buffer).hasSize(1);

    ScheduleState t = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER, 0);
    t.buffer.add(start(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    t.buffer.add(start(2, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    d = ScheduleLogic.takeFromBuffer(t, false);
    assertThat(d.single.nominalMillis()).isEqualTo(2); // the later one replaces the earlier
    assertThat(d.terminateRunning).isFalse();
  }

  @Test
  void limitedActionsRunOut() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    s.schedule = s.schedule.toBuilder().setState(s.schedule.getState().toBuilder()
        .setLimitedActions(true).setRemainingActions(2)).build();
    assertThat(ScheduleLogic.futureActionTimes(s, spec(s), 10)).hasSize(2);
    assertThat(ScheduleLogic.canTakeAction(s, false, true)).isTrue();
    assertThat(ScheduleLogic.canTakeAction(s, false, true)).isTrue();
    assertThat(ScheduleLogic.canTakeAction(s, false, true)).isFalse();
    assertThat(ScheduleLogic.canTakeAction(s, true, true)).isTrue(); // manual actions still go
    assertThat(s.schedule.getState().getRemainingActions()).isZero();
    assertThat(ScheduleLogic.futureActionTimes(s, spec(s), 10)).isEmpty();
  }

  @Test
  void backfillsAreInclusiveManualAndBounded() {
    ScheduleState s = state(60, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    s.backfills.add(new ScheduleState.Backfill("b", T0 - 1, T0 + 180_000,
        ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL_VALUE));
    ScheduleLogic.expandBackfills(s, spec(s));
    assertThat(s.buffer).extracting(ScheduleState.BufferedStart::nominalMillis)
        .containsExactly(T0, T0 + 60_000, T0 + 120_000, T0 + 180_000);
    assertThat(s.buffer).allMatch(ScheduleState.BufferedStart::manual);
    assertThat(s.backfills).isEmpty();
  }

  @Test
  void startRequestsCarryTheNominalTimeInTheWorkflowId() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP, 0);
    var r = ScheduleLogic.startRequest(s, start(T0 + 61_500, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED), "default");
    assertThat(r.getWorkflowId()).isEqualTo("wf-2024-01-01T00:01:01Z");
    assertThat(r.getWorkflowIdReusePolicy()).isEqualTo(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    assertThat(r.getSearchAttributes().getIndexedFieldsMap())
        .containsKeys(ScheduleLogic.SCHEDULED_BY_ID, ScheduleLogic.SCHEDULED_START_TIME);
    assertThat(r.getSearchAttributes().getIndexedFieldsOrThrow(ScheduleLogic.SCHEDULED_BY_ID).getData().toStringUtf8())
        .isEqualTo("\"sched\"");
  }

  @Test
  void nextWakeupPollsWhileStartsWaitOnARunningWorkflow() {
    ScheduleState s = state(3600, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE, 0);
    assertThat(ScheduleLogic.nextWakeup(s, spec(s), T0 + 10)).isEqualTo(T0 + 3_600_000);
    s.buffer.add(start(T0, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED));
    s.running.add(WorkflowExecution.newBuilder().setWorkflowId("x").build());
    assertThat(ScheduleLogic.nextWakeup(s, spec(s), T0 + 10)).isEqualTo(T0 + 10 + ScheduleLogic.WAIT_POLL_MS);
  }

  @Test
  void stateRoundTripsThroughTheCodec() {
    ScheduleState s = state(1, ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL, 30);
    ScheduleLogic.advance(s, spec(s), T0 + 3000);
    s.backfills.add(new ScheduleState.Backfill("b", 1, 2, 3));
    ScheduleLogic.recordAction(s, s.buffer.get(0), "wf-x", "run", T0 + 3001, true);
    byte[] bytes = ScheduleStateCodec.encode(s);
    ScheduleState back = ScheduleStateCodec.decode(bytes, 7);
    assertThat(ScheduleStateCodec.encode(back)).isEqualTo(bytes);
    assertThat(back.version).isEqualTo(7);
    assertThat(back.buffer).isEqualTo(s.buffer);
    assertThat(back.running).isEqualTo(s.running);
  }
}
