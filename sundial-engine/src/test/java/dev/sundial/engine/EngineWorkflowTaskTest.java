package dev.sundial.engine;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.worker.ActivityTaskService;
import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workflow task failures through the Engine: invalid and unhandled commands, repeated failures,
 * stale and malformed tokens.
 */
class EngineWorkflowTaskTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
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
                h.engine.workflowTasks.completeWorkflowTask(
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
          h.engine.workflowTasks.failWorkflowTask(
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

  // ------------------------------------------------------------------ tokens

  @Test
  void staleWorkflowTaskTokenFromAnOlderAttemptIsNotFound() {
    String runId = h.start("wf-stale");
    PollWorkflowTaskQueueResponse attempt1 = h.pollWorkflowTask();
    EngineHarness.join(
        h.engine.workflowTasks.failWorkflowTask(
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
                h.engine.workflowTasks.completeWorkflowTask(
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
                h.engine.workflowTasks.completeWorkflowTask(
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
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(activityToken).build()));
    assertThat(wrongKind.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException wrongKind2 =
        engineError(
            () ->
                h.engine.activityTasks.completeActivity(
                    ActivityTaskService.ActivityRef.ofToken(wt.getTaskToken()), null, "x"));
    assertThat(wrongKind2.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException garbage =
        engineError(
            () ->
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(ByteString.copyFromUtf8("not a token"))
                        .build()));
    assertThat(garbage.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);

    EngineException empty =
        engineError(
            () ->
                h.engine.workflowTasks.failWorkflowTask(RespondWorkflowTaskFailedRequest.getDefaultInstance()));
    assertThat(empty.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(empty.getMessage()).isEqualTo("TaskToken is not set on request.");

    // Well-formed token for a run that does not exist.
    ByteString unknownRun =
        new TaskToken(TaskToken.WORKFLOW, h.nsId, "wf-tokens", "no-such-run", 2, 1, "").encode();
    EngineException missing =
        engineError(
            () ->
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(unknownRun).build()));
    assertThat(missing.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }
}
