package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.worker.ActivityTaskService;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.RequestCancelActivityTaskCommandAttributes;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.seconds;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Activity failures and cancellation through the Engine: non-retryable errors, retries past the
 * deadline, cancel before and after start.
 */
class EngineActivityTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  // ------------------------------------------------------------------ activity failures

  @Test
  void nonRetryableErrorTypeFailsAtOnce() {
    String runId = h.start("wf-fatal");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setRetryPolicy(
                    RetryPolicy.newBuilder().setMaximumAttempts(10).addNonRetryableErrorTypes("Fatal"))));
    Failure failure =
        Failure.newBuilder()
            .setMessage("no way")
            .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("Fatal"))
            .build();
    h.failActivity(h.pollActivityTask().getTaskToken(), failure);

    List<HistoryEvent> events = h.history("wf-fatal", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_FAILED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 6).getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(1);
    var failed = event(events, 7).getActivityTaskFailedEventAttributes();
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    assertThat(failed.getFailure()).isEqualTo(failure);
    assertThat(failed.getScheduledEventId()).isEqualTo(5);
    assertThat(failed.getStartedEventId()).isEqualTo(6);
  }

  @Test
  void retryThatWouldOutliveScheduleToCloseGivesRetryStateTimeout() {
    String runId = h.start("wf-s2c");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setScheduleToCloseTimeout(seconds(5))
                .setRetryPolicy(RetryPolicy.newBuilder().setInitialInterval(seconds(10)))));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    // start-to-close (30 s) is capped by schedule-to-close (5 s)
    assertThat(Durations.toMillis(at.getStartToCloseTimeout())).isEqualTo(5000);
    assertThat(Durations.toMillis(at.getScheduleToCloseTimeout())).isEqualTo(5000);
    h.failActivity(
        at.getTaskToken(),
        Failure.newBuilder().setMessage("x").setApplicationFailureInfo(ApplicationFailureInfo.getDefaultInstance()).build());
    List<HistoryEvent> events = h.history("wf-s2c", runId);
    assertThat(Events.types(events).subList(5, 8))
        .containsExactly(
            EVENT_TYPE_ACTIVITY_TASK_STARTED, EVENT_TYPE_ACTIVITY_TASK_FAILED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 7).getActivityTaskFailedEventAttributes().getRetryState())
        .isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
  }

  // ------------------------------------------------------------------ activity cancellation

  private static Command requestCancelActivity(long scheduledEventId) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK)
        .setRequestCancelActivityTaskCommandAttributes(
            RequestCancelActivityTaskCommandAttributes.newBuilder()
                .setScheduledEventId(scheduledEventId))
        .build();
  }

  @Test
  void cancelOfAnActivityThatHasNotStartedCancelsItAtOnce() {
    String runId = h.start("wf-cancel-act");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1")); // 4, 5
    h.signal("wf-cancel-act", "s"); // 6, 7
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), requestCancelActivity(5)); // 8..12
    List<HistoryEvent> events = h.history("wf-cancel-act", runId);
    assertThat(Events.types(events).subList(8, 12))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var requested = event(events, 10).getActivityTaskCancelRequestedEventAttributes();
    assertThat(requested.getScheduledEventId()).isEqualTo(5);
    assertThat(requested.getWorkflowTaskCompletedEventId()).isEqualTo(9);
    var canceled = event(events, 11).getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getScheduledEventId()).isEqualTo(5);
    assertThat(canceled.getStartedEventId()).isZero();
    assertThat(canceled.getLatestCancelRequestedEventId()).isEqualTo(10);
    assertThat(h.state("wf-cancel-act", runId).activities).isEmpty();
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void cancelOfAStartedActivityIsDeliveredOnHeartbeatAndConfirmedByTheWorker() {
    String runId = h.start("wf-cancel-started");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    ActivityTaskService.ActivityRef ref = ActivityTaskService.ActivityRef.ofToken(at.getTaskToken());
    assertThat(EngineHarness.join(h.engine.activityTasks.heartbeat(ref, null))).isFalse();
    h.signal("wf-cancel-started", "s"); // 6, 7
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), requestCancelActivity(5)); // 8, 9, 10
    assertThat(Events.types(h.history("wf-cancel-started", runId)))
        .hasSize(10)
        .endsWith(EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);

    assertThat(EngineHarness.join(h.engine.activityTasks.heartbeat(ref, payloads("hb")))).isTrue();
    EngineHarness.join(h.engine.activityTasks.cancelActivity(ref, payloads("bye"), EngineHarness.IDENTITY));
    List<HistoryEvent> events = h.history("wf-cancel-started", runId);
    assertThat(Events.types(events).subList(10, 13))
        .containsExactly(
            EVENT_TYPE_ACTIVITY_TASK_STARTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var canceled = event(events, 12).getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getScheduledEventId()).isEqualTo(5);
    assertThat(canceled.getStartedEventId()).isEqualTo(11);
    assertThat(canceled.getDetails()).isEqualTo(payloads("bye"));
  }

  @Test
  void workerConfirmedCancellationPointsAtTheCancelRequest() {
    String runId = h.start("wf-cancel-id");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    h.signal("wf-cancel-id", "s");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), requestCancelActivity(5)); // 10
    EngineHarness.join(
        h.engine.activityTasks.cancelActivity(ActivityTaskService.ActivityRef.ofToken(at.getTaskToken()), null, "w"));
    var canceled =
        event(h.history("wf-cancel-id", runId), 12).getActivityTaskCanceledEventAttributes();
    assertThat(canceled.getLatestCancelRequestedEventId()).isEqualTo(10);
  }

  @Test
  void cancelWithoutCancelRequestIsRejected() {
    String runId = h.start("wf-cancel-unrequested");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    EngineException e =
        engineError(
            () ->
                h.engine.activityTasks.cancelActivity(
                    ActivityTaskService.ActivityRef.ofToken(at.getTaskToken()), null, "w"));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(h.history("wf-cancel-unrequested", runId)).hasSize(5);
  }
}
