package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.schedule.v1.BackfillRequest;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.SchedulePatch;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.ScheduleState;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CreateScheduleRequest;
import io.temporal.api.workflowservice.v1.DescribeScheduleRequest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A backfill costs a bounded amount: one covering more than 10,000 schedule times or running
 * backwards is refused, and an accepted one starts at most 10 workflows a second per schedule
 * (before, a 200-byte request started ~26,000 workflows in 11 s).
 */
class ScheduleBackfillBoundTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  private static Timestamp at(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).build();
  }

  private static CreateScheduleRequest everySecond(String id, Instant from, Instant to) {
    return CreateScheduleRequest.newBuilder().setNamespace("default").setScheduleId(id)
        .setRequestId(id)
        .setSchedule(Schedule.newBuilder()
            .setSpec(ScheduleSpec.newBuilder().addInterval(
                IntervalSpec.newBuilder().setInterval(Durations.fromSeconds(1))))
            .setAction(ScheduleAction.newBuilder().setStartWorkflow(NewWorkflowExecutionInfo.newBuilder()
                .setWorkflowId(id + "-wf").setWorkflowType(WorkflowType.newBuilder().setName("T"))
                .setTaskQueue(TaskQueue.newBuilder().setName("nobody-polls"))))
            .setState(ScheduleState.newBuilder().setPaused(true).setNotes("backfill only")))
        .setInitialPatch(SchedulePatch.newBuilder().addBackfillRequest(BackfillRequest.newBuilder()
            .setStartTime(at(from)).setEndTime(at(to))
            .setOverlapPolicy(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL)))
        .build();
  }

  @Test
  void absurdBackfillsAreRefused() {
    var stub = sundial.blockingStub();
    var huge = CompatServer.expectStatus(() -> stub.createSchedule(everySecond("huge",
        Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("2999-01-01T00:00:00Z"))));
    assertThat(huge.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(huge.getStatus().getDescription()).contains("more than 10000");
    var backwards = CompatServer.expectStatus(() -> stub.createSchedule(everySecond("backwards",
        Instant.parse("2024-02-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"))));
    assertThat(backwards.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(CompatServer.expectStatus(() -> stub.describeSchedule(DescribeScheduleRequest.newBuilder()
        .setNamespace("default").setScheduleId("huge").build())).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void anAcceptedBackfillStartsAtABoundedRate() {
    var stub = sundial.blockingStub();
    Instant from = Instant.parse("2024-01-01T00:00:00Z");
    long t0 = System.nanoTime();
    stub.createSchedule(everySecond("steady", from, from.plusSeconds(29))); // 30 times
    var describe = DescribeScheduleRequest.newBuilder().setNamespace("default").setScheduleId("steady").build();
    long early = stub.describeSchedule(describe).getInfo().getActionCount();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    // 10 per pass, passes a second apart: never more than 10 per started second so far.
    assertThat(early).isLessThanOrEqualTo(10L * ((long) Math.ceil(elapsed) + 1));
    CompatServer.await(Duration.ofSeconds(20), "all 30 backfilled starts",
        () -> stub.describeSchedule(describe).getInfo().getActionCount() == 30);
    double total = (System.nanoTime() - t0) / 1e9;
    assertThat(total).as("30 starts at 10 a second take a couple of seconds").isGreaterThan(1.5);
  }
}
