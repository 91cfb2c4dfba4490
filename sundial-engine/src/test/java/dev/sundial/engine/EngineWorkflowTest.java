package dev.sundial.engine;

import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.seconds;
import static dev.sundial.engine.EngineHarness.startRequest;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.history.Durations;
import dev.sundial.engine.history.MutableState;
import dev.sundial.engine.history.TaskToken;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transitions driven through the Engine's public operations with a fixed clock (nothing here
 * depends on timers firing): event sequences, buffering, command validation, start semantics,
 * stale tokens.
 */
class EngineWorkflowTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  // ------------------------------------------------------------------ start and first task

  @Test
  void startWritesStartedAndScheduledThenPollStartsTheTask() {
    String runId = h.start("wf-start");

    List<HistoryEvent> events = h.history("wf-start", runId);
    assertHistory(events, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var started = event(events, 1).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getWorkflowType().getName()).isEqualTo("TestWorkflow");
    assertThat(started.getTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getFirstExecutionRunId()).isEqualTo(runId);
    assertThat(started.getOriginalExecutionRunId()).isEqualTo(runId);
    assertThat(Durations.toMillis(started.getWorkflowTaskTimeout())).isEqualTo(10_000);
    assertThat(event(events, 1).getEventTime().getSeconds())
        .isEqualTo(EngineHarness.T0.getEpochSecond());
    var scheduled = event(events, 2).getWorkflowTaskScheduledEventAttributes();
    assertThat(scheduled.getAttempt()).isEqualTo(1);
    assertThat(scheduled.getTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);
    assertThat(scheduled.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    assertThat(Durations.toMillis(scheduled.getStartToCloseTimeout())).isEqualTo(10_000);

    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.getWorkflowExecution().getWorkflowId()).isEqualTo("wf-start");
    assertThat(task.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(task.getWorkflowType().getName()).isEqualTo("TestWorkflow");
    assertThat(task.getAttempt()).isEqualTo(1);
    assertThat(task.getPreviousStartedEventId()).isZero();
    assertThat(task.getStartedEventId()).isEqualTo(3);
    assertHistory(
        task.getHistory().getEventsList(),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED);
    var wtStarted = task.getHistory().getEvents(2).getWorkflowTaskStartedEventAttributes();
    assertThat(wtStarted.getScheduledEventId()).isEqualTo(2);
    assertThat(wtStarted.getIdentity()).isEqualTo(EngineHarness.IDENTITY);

    assertThat(h.history("wf-start", runId)).isEqualTo(task.getHistory().getEventsList());
    // Only one poller gets the task.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void activityRoundTripThenCompletion() {
    String runId = h.start("wf-act");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.completeWorkflowTask(wt1.getTaskToken(), scheduleActivity(activity("a1").setInput(payloads("in"))));

    PollActivityTaskQueueResponse at = h.pollActivityTask();
    assertThat(at.getActivityId()).isEqualTo("a1");
    assertThat(at.getActivityType().getName()).isEqualTo("TestActivity");
    assertThat(at.getAttempt()).isEqualTo(1);
    assertThat(at.getInput()).isEqualTo(payloads("in"));
    assertThat(at.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(at.getWorkflowNamespace()).isEqualTo("default");
    assertThat(Durations.toMillis(at.getStartToCloseTimeout())).isEqualTo(30_000);
    // Unset retry policy fields get Temporal's defaults.
    assertThat(Durations.toMillis(at.getRetryPolicy().getInitialInterval())).isEqualTo(1000);
    assertThat(at.getRetryPolicy().getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(Durations.toMillis(at.getRetryPolicy().getMaximumInterval())).isEqualTo(100_000);
    // The started event is not written while the attempt runs.
    assertThat(h.history("wf-act", runId)).hasSize(5);

    h.completeActivity(at.getTaskToken(), payloads("out"));
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(9);
    h.completeWorkflowTask(wt2.getTaskToken(), completeWorkflow(payloads("done")));

    List<HistoryEvent> events = h.history("wf-act", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    var completed4 = event(events, 4).getWorkflowTaskCompletedEventAttributes();
    assertThat(completed4.getScheduledEventId()).isEqualTo(2);
    assertThat(completed4.getStartedEventId()).isEqualTo(3);
    var scheduled = event(events, 5).getActivityTaskScheduledEventAttributes();
    assertThat(scheduled.getWorkflowTaskCompletedEventId()).isEqualTo(4);
    assertThat(scheduled.getActivityId()).isEqualTo("a1");
    var started = event(events, 6).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(5);
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getIdentity()).isEqualTo(EngineHarness.IDENTITY);
    assertThat(started.hasLastFailure()).isFalse();
    var done = event(events, 7).getActivityTaskCompletedEventAttributes();
    assertThat(done.getScheduledEventId()).isEqualTo(5);
    assertThat(done.getStartedEventId()).isEqualTo(6);
    assertThat(done.getResult()).isEqualTo(payloads("out"));
    assertThat(event(events, 8).getWorkflowTaskScheduledEventAttributes().getAttempt()).isEqualTo(1);
    var wfDone = event(events, 11).getWorkflowExecutionCompletedEventAttributes();
    assertThat(wfDone.getWorkflowTaskCompletedEventId()).isEqualTo(10);
    assertThat(wfDone.getResult()).isEqualTo(payloads("done"));

    MutableState s = h.state("wf-act", runId);
    assertThat(s.status).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(s.completionEventId).isEqualTo(11);
    assertThat(s.activities).isEmpty();

    // A response for the closed run is NOT_FOUND.
    EngineException e = engineError(() -> h.engine.tasks.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(wt2.getTaskToken()).build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void closeEventLongPollReturnsTheCompletion() {
    String runId = h.start("wf-close");
    var closeReq =
        GetWorkflowExecutionHistoryRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-close"))
            .setWaitNewEvent(true)
            .setHistoryEventFilterType(
                io.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
            .build();
    var pending = h.engine.history.getHistory(h.nsId, closeReq, 10_000);
    assertThat(pending).isNotDone();
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(payloads("r")));
    GetWorkflowExecutionHistoryResponse r = EngineHarness.join(pending);
    assertThat(r.getHistory().getEventsList()).hasSize(1);
    HistoryEvent close = r.getHistory().getEvents(0);
    assertThat(close.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(close.getEventId()).isEqualTo(5);
    assertThat(h.state("wf-close", runId).isRunning()).isFalse();
  }

  // ------------------------------------------------------------------ buffering

  @Test
  void activityCompletionWhileWorkflowTaskStartedIsBufferedAndFixedUp() {
    String runId = h.start("wf-buf");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    h.signal("wf-buf", "wake"); // 6 signaled, 7 WT scheduled
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask(); // 8 started
    assertThat(wt2.getStartedEventId()).isEqualTo(8);

    h.completeActivity(at.getTaskToken(), payloads("r"));
    // Nothing reaches history while the workflow task runs; both events wait in the buffer.
    assertThat(h.history("wf-buf", runId)).hasSize(8);
    MutableState mid = h.state("wf-buf", runId);
    assertThat(mid.bufferedEvents)
        .extracting(HistoryEvent::getEventType)
        .containsExactly(EVENT_TYPE_ACTIVITY_TASK_STARTED, EVENT_TYPE_ACTIVITY_TASK_COMPLETED);

    h.completeWorkflowTask(wt2.getTaskToken());
    List<HistoryEvent> events = h.history("wf-buf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 10).getActivityTaskStartedEventAttributes().getScheduledEventId())
        .isEqualTo(5);
    var done = event(events, 11).getActivityTaskCompletedEventAttributes();
    assertThat(done.getScheduledEventId()).isEqualTo(5);
    assertThat(done.getStartedEventId()).isEqualTo(10);
    assertThat(h.state("wf-buf", runId).bufferedEvents).isEmpty();

    // The next task shows the flushed events after the last completed one.
    PollWorkflowTaskQueueResponse wt3 = h.pollWorkflowTask();
    assertThat(wt3.getPreviousStartedEventId()).isEqualTo(8);
    assertThat(wt3.getStartedEventId()).isEqualTo(13);
  }

  @Test
  void activityCompletionWhileWorkflowTaskOnlyScheduledGoesStraightToHistory() {
    String runId = h.start("wf-nobuf");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    h.signal("wf-nobuf", "wake"); // 6, 7
    h.completeActivity(at.getTaskToken(), payloads("r")); // 8, 9 — no second WT scheduled
    List<HistoryEvent> events = h.history("wf-nobuf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(event(events, 9).getActivityTaskCompletedEventAttributes().getStartedEventId())
        .isEqualTo(8);
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getStartedEventId()).isEqualTo(10);
    assertThat(wt2.getHistory().getEventsList()).hasSize(10);
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

  // ------------------------------------------------------------------ invalid commands

  static Stream<Arguments> invalidCommands() {
    return Stream.of(
        Arguments.of(
            "start timer with zero timeout",
            List.of(startTimer("ok", 5), startTimer("t0", 0)),
            WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
            "StartToFireTimeout"),
        Arguments.of(
            "duplicate timer id",
            List.of(startTimer("dup", 5), startTimer("dup", 6)),
            WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
            "dup"),
        Arguments.of(
            "schedule activity without timeouts",
            List.of(scheduleActivity("fine"), scheduleActivity(activity("bad").clearStartToCloseTimeout())),
            WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
            "StartToClose or ScheduleToCloseTimeout"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCommands")
  void invalidCommandFailsTheWorkflowTaskAndAppliesNothing(
      String name, List<Command> commands, WorkflowTaskFailedCause cause, String message) {
    String runId = h.start("wf-invalid");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    // The worker is told why (INVALID_ARGUMENT) after the failed task is recorded.
    assertThatThrownBy(() -> h.completeWorkflowTask(wt.getTaskToken(), commands.toArray(Command[]::new)))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT))
        .hasMessageContaining(message);

    List<HistoryEvent> events = h.history("wf-invalid", runId);
    // The retry is transient: nothing more is written until it completes.
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_FAILED);
    var failed = event(events, 4).getWorkflowTaskFailedEventAttributes();
    assertThat(failed.getCause()).isEqualTo(cause);
    assertThat(failed.getScheduledEventId()).isEqualTo(2);
    assertThat(failed.getStartedEventId()).isEqualTo(3);
    assertThat(failed.getIdentity()).isEqualTo(EngineHarness.IDENTITY);
    assertThat(failed.getFailure().getMessage()).contains(message);

    MutableState s = h.state("wf-invalid", runId);
    assertThat(s.timers).isEmpty();
    assertThat(s.activities).isEmpty();
    assertThat(s.isRunning()).isTrue();
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    // The workflow task is retried.
    PollWorkflowTaskQueueResponse retry = h.pollWorkflowTask();
    assertThat(retry.getStartedEventId()).isEqualTo(6);
  }

  @Test
  void invalidCommandsAreReportedToTheWorkerAsInvalidArgument() {
    String runId = h.start("wf-invalid-err");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    EngineException e =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(wt.getTaskToken())
                        .setIdentity(EngineHarness.IDENTITY)
                        .setReturnNewWorkflowTask(true)
                        .addCommands(startTimer("t0", 0))
                        .build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("StartToFireTimeout");
    // ... and the failure is still recorded.
    assertThat(Events.types(h.history("wf-invalid-err", runId)))
        .contains(EVENT_TYPE_WORKFLOW_TASK_FAILED);
  }

  @Test
  void completeWhileNewEventsAreBufferedFailsWithUnhandledCommand() {
    String runId = h.start("wf-unhandled");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.signal("wf-unhandled", "late");
    h.completeWorkflowTask(wt.getTaskToken(), completeWorkflow(payloads("too early")));

    List<HistoryEvent> events = h.history("wf-unhandled", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_FAILED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 4).getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
    assertThat(event(events, 5).getWorkflowExecutionSignaledEventAttributes().getSignalName())
        .isEqualTo("late");
    assertThat(h.state("wf-unhandled", runId).isRunning()).isTrue();

    // The workflow handles the signal and then completes.
    PollWorkflowTaskQueueResponse again = h.pollWorkflowTask();
    h.completeWorkflowTask(again.getTaskToken(), completeWorkflow(payloads("ok")));
    assertThat(Events.types(h.history("wf-unhandled", runId)))
        .endsWith(EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void workflowTaskAfterUnhandledCommandIsAttemptOne() {
    String runId = h.start("wf-unhandled-attempt");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.signal("wf-unhandled-attempt", "late");
    h.completeWorkflowTask(wt.getTaskToken(), completeWorkflow(null));
    List<HistoryEvent> events = h.history("wf-unhandled-attempt", runId);
    assertThat(event(events, 6).getWorkflowTaskScheduledEventAttributes().getAttempt()).isEqualTo(1);
    assertThat(h.pollWorkflowTask().getAttempt()).isEqualTo(1);
  }

  @Test
  void repeatedWorkflowTaskFailuresDoNotGrowHistory() {
    String runId = h.start("wf-failing");
    for (int i = 0; i < 3; i++) {
      PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
      assertThat(wt.getAttempt()).isEqualTo(i + 1);
      EngineHarness.join(
          h.engine.tasks.failWorkflowTask(
              RespondWorkflowTaskFailedRequest.newBuilder()
                  .setTaskToken(wt.getTaskToken())
                  .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE)
                  .setIdentity(EngineHarness.IDENTITY)
                  .build()));
    }
    // Temporal: Started, Scheduled, Started, Failed (attempt 1) and nothing for attempts 2 and 3.
    assertHistory(
        h.history("wf-failing", runId),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_FAILED);
  }

  // ------------------------------------------------------------------ start semantics

  @Test
  void sameRequestIdReturnsTheSameRun() {
    StartWorkflowExecutionRequest req = startRequest("wf-idem").setRequestId("req-1").build();
    StartWorkflowExecutionResponse first = h.start(req);
    assertThat(first.getStarted()).isTrue();
    StartWorkflowExecutionResponse again = h.start(req);
    assertThat(again.getRunId()).isEqualTo(first.getRunId());
    assertHistory(
        h.history("wf-idem", first.getRunId()),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);

    // A different request id for the running workflow is rejected with the existing run's ids.
    WorkflowAlreadyStartedException e =
        (WorkflowAlreadyStartedException)
            engineError(() -> h.engine.workflows.start(h.nsId, startRequest("wf-idem").setRequestId("req-2").build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.ALREADY_EXISTS);
    assertThat(e.runId()).isEqualTo(first.getRunId());
    assertThat(e.startRequestId()).isEqualTo("req-1");

    // Still idempotent after the run closed.
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(null));
    assertThat(h.start(req).getRunId()).isEqualTo(first.getRunId());
  }

  @Test
  void retriedStartReportsStarted() {
    StartWorkflowExecutionRequest req = startRequest("wf-idem2").setRequestId("req-1").build();
    h.start(req);
    assertThat(h.start(req).getStarted()).isTrue();
  }

  @Test
  void rejectDuplicateAfterCompletion() {
    StartWorkflowExecutionRequest.Builder b =
        startRequest("wf-reject")
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    String runId = h.start(b.build()).getRunId();
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(null));

    EngineException e =
        engineError(() -> h.engine.workflows.start(h.nsId, b.setRequestId("another").build()));
    assertThat(e).isInstanceOf(WorkflowAlreadyStartedException.class);
    assertThat(e.code()).isEqualTo(EngineException.Code.ALREADY_EXISTS);
    assertThat(((WorkflowAlreadyStartedException) e).runId()).isEqualTo(runId);
    // Nothing was written for the rejected start.
    assertThat(h.state("wf-reject", "").runId).isEqualTo(runId);
  }

  @Test
  void allowDuplicateFailedOnlyRejectsAfterSuccessButAllowDuplicateStartsANewRun() {
    String first = h.start("wf-reuse");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(null));

    EngineException e =
        engineError(
            () ->
                h.engine.workflows.start(
                    h.nsId,
                    startRequest("wf-reuse")
                        .setWorkflowIdReusePolicy(
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                        .build()));
    assertThat(e).isInstanceOf(WorkflowAlreadyStartedException.class);

    StartWorkflowExecutionResponse second =
        h.start(
            startRequest("wf-reuse")
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    assertThat(second.getStarted()).isTrue();
    assertThat(second.getRunId()).isNotEqualTo(first);
    assertThat(h.state("wf-reuse", "").runId).isEqualTo(second.getRunId());
    assertHistory(
        h.history("wf-reuse", second.getRunId()),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  }

  // ------------------------------------------------------------------ tokens

  @Test
  void staleWorkflowTaskTokenFromAnOlderAttemptIsNotFound() {
    String runId = h.start("wf-stale");
    PollWorkflowTaskQueueResponse attempt1 = h.pollWorkflowTask();
    EngineHarness.join(
        h.engine.tasks.failWorkflowTask(
            RespondWorkflowTaskFailedRequest.newBuilder()
                .setTaskToken(attempt1.getTaskToken())
                .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE)
                .setFailure(Failure.newBuilder().setMessage("worker crashed"))
                .setIdentity(EngineHarness.IDENTITY)
                .build()));
    PollWorkflowTaskQueueResponse attempt2 = h.pollWorkflowTask();
    assertThat(attempt2.getAttempt()).isEqualTo(2);

    EngineException e =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(attempt1.getTaskToken())
                        .addCommands(completeWorkflow(null))
                        .build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(h.state("wf-stale", runId).isRunning()).isTrue();

    h.completeWorkflowTask(attempt2.getTaskToken(), completeWorkflow(null));
    assertThat(h.state("wf-stale", runId).isRunning()).isFalse();
    var failed = event(h.history("wf-stale", runId), 4).getWorkflowTaskFailedEventAttributes();
    assertThat(failed.getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
    assertThat(failed.getFailure().getMessage()).isEqualTo("worker crashed");
  }

  @Test
  void completingTheSameWorkflowTaskTwiceIsNotFound() {
    h.start("wf-twice");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.completeWorkflowTask(wt.getTaskToken(), startTimer("t", 60));
    EngineException e =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(wt.getTaskToken()).build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void malformedTokensAreInvalidArgument() {
    h.start("wf-tokens");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.completeWorkflowTask(wt.getTaskToken(), scheduleActivity("a1"));
    ByteString activityToken = h.pollActivityTask().getTaskToken();

    EngineException wrongKind =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(activityToken).build()));
    assertThat(wrongKind.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException wrongKind2 =
        engineError(
            () ->
                h.engine.tasks.completeActivity(
                    TaskOps.ActivityRef.ofToken(wt.getTaskToken()), null, "x"));
    assertThat(wrongKind2.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException garbage =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(ByteString.copyFromUtf8("not a token"))
                        .build()));
    assertThat(garbage.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException empty =
        engineError(
            () ->
                h.engine.tasks.failWorkflowTask(RespondWorkflowTaskFailedRequest.getDefaultInstance()));
    assertThat(empty.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(empty.getMessage()).isEqualTo("TaskToken is not set on request.");

    // Well-formed token for a run that does not exist.
    ByteString unknownRun =
        new TaskToken(TaskToken.WORKFLOW, h.nsId, "wf-tokens", "no-such-run", 2, 1, "").encode();
    EngineException missing =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(unknownRun).build()));
    assertThat(missing.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  // ------------------------------------------------------------------ terminate, sticky, paging

  @Test
  void terminateWithScheduledWorkflowTaskClosesTheRunAndDropsTheTask() {
    String runId = h.start("wf-term");
    h.terminate("wf-term", "enough");
    List<HistoryEvent> events = h.history("wf-term", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    var t = event(events, 3).getWorkflowExecutionTerminatedEventAttributes();
    assertThat(t.getReason()).isEqualTo("enough");
    assertThat(t.getIdentity()).isEqualTo("terminator");
    assertThat(h.state("wf-term", runId).status)
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    EngineException again = engineError(() -> h.engine.workflows.terminate(h.nsId, "wf-term", "", "x", null, "y"));
    assertThat(again.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(engineError(() -> h.engine.workflows.terminate(h.nsId, "no-such-wf", "", "x", null, "y")))
        .isInstanceOf(ExecutionNotFoundException.class);
  }

  @Test
  void terminateWithStartedWorkflowTaskFailsItWithForceCloseCommand() {
    String runId = h.start("wf-term-started");
    h.pollWorkflowTask();
    h.signal("wf-term-started", "buffered");
    h.terminate("wf-term-started", "stop");
    List<HistoryEvent> events = h.history("wf-term-started", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_FAILED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    assertThat(event(events, 4).getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND);
  }

  @Test
  void terminateWithStartedWorkflowTaskFlushesBufferedEventsAndInvalidatesTheToken() {
    // What Sundial guarantees today (see the disabled test above for the missing event).
    String runId = h.start("wf-term-started2");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.signal("wf-term-started2", "buffered");
    h.terminate("wf-term-started2", "stop");
    List<HistoryEvent> events = h.history("wf-term-started2", runId);
    assertThat(Events.types(events))
        .contains(EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .endsWith(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getEventId()).isEqualTo(i + 1);
    }
    assertThat(h.state("wf-term-started2", runId).bufferedEvents).isEmpty();
    EngineException e =
        engineError(
            () ->
                h.engine.tasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(wt.getTaskToken())
                        .addCommands(completeWorkflow(null))
                        .build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void stickyQueueGetsTheNextTaskWithPartialHistory() {
    String runId = h.start("wf-sticky");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(wt1.getTaskToken())
            .setIdentity(EngineHarness.IDENTITY)
            .addCommands(startTimer("t", 3600))
            .setStickyAttributes(
                StickyExecutionAttributes.newBuilder()
                    .setWorkerTaskQueue(TaskQueue.newBuilder().setName("sticky-1"))
                    .setScheduleToStartTimeout(seconds(5)))
            .build());
    h.signal("wf-sticky", "s"); // 6 signaled, 7 scheduled on the sticky queue

    List<HistoryEvent> events = h.history("wf-sticky", runId);
    var sched = event(events, 7).getWorkflowTaskScheduledEventAttributes();
    assertThat(sched.getTaskQueue().getName()).isEqualTo("sticky-1");
    assertThat(sched.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    assertThat(sched.getTaskQueue().getNormalName()).isEqualTo(EngineHarness.TASK_QUEUE);

    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask("sticky-1");
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(8);
    assertThat(wt2.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventId)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(wt2.getWorkflowExecutionTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);

    // Completing without sticky attributes turns stickiness off again.
    h.completeWorkflowTask(wt2.getTaskToken());
    h.signal("wf-sticky", "s2");
    assertThat(h.pollWorkflowTask().getHistory().getEvents(0).getEventId()).isEqualTo(1);
  }

  @Test
  void historyPagesCoverEverythingOnce() {
    String runId = h.start("wf-pages");
    for (int i = 0; i < 4; i++) {
      h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t" + i, 3600));
      h.signal("wf-pages", "s" + i);
    }
    List<HistoryEvent> all = h.history("wf-pages", runId);
    assertThat(all).hasSizeGreaterThan(15);

    List<HistoryEvent> paged = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    int pages = 0;
    do {
      GetWorkflowExecutionHistoryResponse r =
          EngineHarness.join(
              h.engine.history.getHistory(
                  h.nsId,
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-pages"))
                      .setMaximumPageSize(3)
                      .setNextPageToken(token)
                      .build(),
                  0));
      assertThat(r.getHistory().getEventsList()).isNotEmpty();
      paged.addAll(r.getHistory().getEventsList());
      token = r.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 100);
    assertThat(pages).isGreaterThan(1);
    assertThat(paged).isEqualTo(all);

    EngineException bad =
        engineError(
            () ->
                h.engine.history.getHistory(
                    h.nsId,
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-pages"))
                        .setNextPageToken(ByteString.copyFromUtf8("bogus"))
                        .build(),
                    0));
    assertThat(bad.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
  }

  @Test
  void unknownWorkflowIsNotFound() {
    EngineException e =
        engineError(
            () ->
                h.engine.history.getHistory(
                    h.nsId,
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId("nope"))
                        .build(),
                    0));
    assertThat(e).isInstanceOf(ExecutionNotFoundException.class);
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void signalWithTheSameRequestIdIsAppliedOnce() {
    String runId = h.start("wf-sig");
    var req =
        io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest.newBuilder()
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-sig"))
            .setSignalName("go")
            .setInput(payloads("1"))
            .setRequestId("sig-req-1")
            .build();
    EngineHarness.join(h.engine.workflows.signal(h.nsId, req));
    EngineHarness.join(h.engine.workflows.signal(h.nsId, req));
    List<HistoryEvent> events = h.history("wf-sig", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    var sig = event(events, 3).getWorkflowExecutionSignaledEventAttributes();
    assertThat(sig.getSignalName()).isEqualTo("go");
    assertThat(sig.getInput()).isEqualTo(payloads("1"));
    // A signal to a closed run is NOT_FOUND.
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(null));
    EngineException closed =
        engineError(
            () -> h.engine.workflows.signal(h.nsId, req.toBuilder().setRequestId("sig-req-2").build()));
    assertThat(closed.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  // ------------------------------------------------------------------ activity cancellation

  private static Command requestCancelActivity(long scheduledEventId) {
    return Command.newBuilder()
        .setCommandType(io.temporal.api.enums.v1.CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK)
        .setRequestCancelActivityTaskCommandAttributes(
            io.temporal.api.command.v1.RequestCancelActivityTaskCommandAttributes.newBuilder()
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
    TaskOps.ActivityRef ref = TaskOps.ActivityRef.ofToken(at.getTaskToken());
    assertThat(EngineHarness.join(h.engine.tasks.heartbeat(ref, null))).isFalse();
    h.signal("wf-cancel-started", "s"); // 6, 7
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), requestCancelActivity(5)); // 8, 9, 10
    assertThat(Events.types(h.history("wf-cancel-started", runId)))
        .hasSize(10)
        .endsWith(EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);

    assertThat(EngineHarness.join(h.engine.tasks.heartbeat(ref, payloads("hb")))).isTrue();
    EngineHarness.join(h.engine.tasks.cancelActivity(ref, payloads("bye"), EngineHarness.IDENTITY));
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
        h.engine.tasks.cancelActivity(TaskOps.ActivityRef.ofToken(at.getTaskToken()), null, "w"));
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
                h.engine.tasks.cancelActivity(
                    TaskOps.ActivityRef.ofToken(at.getTaskToken()), null, "w"));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(h.history("wf-cancel-unrequested", runId)).hasSize(5);
  }

  @Test
  void returnNewWorkflowTaskHandsTheNextTaskBackInTheResponse() {
    String runId = h.start("wf-eager");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    var resp =
        h.completeWorkflowTask(
            RespondWorkflowTaskCompletedRequest.newBuilder()
                .setTaskToken(wt1.getTaskToken())
                .setIdentity(EngineHarness.IDENTITY)
                .setForceCreateNewWorkflowTask(true)
                .setReturnNewWorkflowTask(true)
                .build());
    assertThat(resp.hasWorkflowTask()).isTrue();
    PollWorkflowTaskQueueResponse wt2 = resp.getWorkflowTask();
    assertThat(wt2.getTaskToken()).isNotEmpty();
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(6);
    assertThat(wt2.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventType)
        .containsExactly(
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EVENT_TYPE_WORKFLOW_TASK_STARTED);
    assertThat(wt2.getHistory().getEvents(0).getEventId()).isEqualTo(4);
    assertHistory(
        h.history("wf-eager", runId),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED);
    // It is not also dispatched through the queue.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    h.completeWorkflowTask(wt2.getTaskToken(), completeWorkflow(null));
    assertThat(h.state("wf-eager", runId).isRunning()).isFalse();
  }
}
