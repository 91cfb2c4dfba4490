package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.describe.Describer;
import dev.sundial.engine.history.reset.ResetService;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.worker.ActivityTaskService;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.join;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

/** ResetWorkflowExecution at the engine level: the new run's history and state, and the old run. */
class EngineResetTest {
  private EngineHarness h;
  private ResetService resets;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
    resets = h.engine.resets;
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  /** Events 1-4: started, first task completed; then per signal: signaled, task scheduled/started/completed. */
  private String startWithSignals(String workflowId, String... signals) {
    String runId = h.start(workflowId);
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken());
    for (String s : signals) {
      h.signal(workflowId, s);
      h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken());
    }
    return runId;
  }

  private String reset(String workflowId, String runId, long finishEventId, String requestId,
      ResetReapplyExcludeType... excluded) {
    return join(
        resets.reset(
            h.nsId,
            ResetWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setWorkflowExecution(
                    WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                .setReason("testing reset")
                .setWorkflowTaskFinishEventId(finishEventId)
                .setRequestId(requestId)
                .addAllResetReapplyExcludeTypes(List.of(excluded))
                .build()));
  }

  private static List<EventType> types(List<HistoryEvent> h) {
    return h.stream().map(HistoryEvent::getEventType).toList();
  }

  @Test
  void resetToFirstTaskCopiesPrefixFailsTheTaskAndReappliesSignals() {
    String base = startWithSignals("wf-reset-first", "a", "b");
    List<HistoryEvent> baseHistory = h.history("wf-reset-first", base);
    assertThat(baseHistory).hasSize(12);

    String newRun = reset("wf-reset-first", base, 4, "req-1");
    assertThat(newRun).isNotEqualTo(base);

    List<HistoryEvent> reset = h.history("wf-reset-first", newRun);
    assertThat(types(reset))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    // The copied events are the base run's, unchanged (the SDK replays them).
    assertThat(reset.subList(0, 3)).isEqualTo(baseHistory.subList(0, 3));
    var failed = reset.get(3).getWorkflowTaskFailedEventAttributes();
    assertThat(failed.getCause()).isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
    assertThat(failed.getBaseRunId()).isEqualTo(base);
    assertThat(failed.getNewRunId()).isEqualTo(newRun);
    assertThat(failed.getScheduledEventId()).isEqualTo(2);
    assertThat(failed.getStartedEventId()).isEqualTo(3);
    assertThat(failed.getFailure().getMessage()).isEqualTo("testing reset");
    assertThat(failed.getFailure().hasResetWorkflowFailureInfo()).isTrue();
    assertThat(reset.get(4).getWorkflowExecutionSignaledEventAttributes().getSignalName()).isEqualTo("a");
    assertThat(reset.get(5).getWorkflowExecutionSignaledEventAttributes().getSignalName()).isEqualTo("b");
    assertThat(reset.get(6).getWorkflowTaskScheduledEventAttributes().getAttempt()).isEqualTo(1);

    // The base run was running: it is terminated by the resetter and points at the new run.
    List<HistoryEvent> after = h.history("wf-reset-first", base);
    HistoryEvent last = after.get(after.size() - 1);
    assertThat(last.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    assertThat(last.getWorkflowExecutionTerminatedEventAttributes().getReason()).isEqualTo("testing reset");
    MutableState old = h.state("wf-reset-first", base);
    assertThat(old.status).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(old.reset.resetRunId).isEqualTo(newRun);

    // The new run is current, running, and linked to the base.
    MutableState current = h.state("wf-reset-first", "");
    assertThat(current.runId).isEqualTo(newRun);
    assertThat(current.isRunning()).isTrue();
    assertThat(current.reset.baseRunId).isEqualTo(base);
    assertThat(current.firstExecutionRunId).isEqualTo(base);
    assertThat(current.started.getOriginalExecutionRunId()).isEqualTo(base);

    // Its workflow task carries the whole reset history; completing it works as usual.
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.getWorkflowExecution().getRunId()).isEqualTo(newRun);
    assertThat(task.getHistory().getEventsCount()).isEqualTo(8);
    assertThat(task.getPreviousStartedEventId()).isEqualTo(0);
    h.completeWorkflowTask(task.getTaskToken(), Commands.completeWorkflow(EngineHarness.payloads("done")));
    assertThat(h.state("wf-reset-first", newRun).status)
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void resetToAMiddleTaskReappliesOnlyLaterSignalsAndRepeatsAreIdempotent() {
    String base = startWithSignals("wf-reset-mid", "a", "b", "c");
    String newRun = reset("wf-reset-mid", base, 8, "req-mid");
    List<HistoryEvent> reset = h.history("wf-reset-mid", newRun);
    assertThat(reset).hasSize(7 + 1 + 2 + 1);
    assertThat(reset.get(7).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(reset.get(8).getWorkflowExecutionSignaledEventAttributes().getSignalName()).isEqualTo("b");
    assertThat(reset.get(9).getWorkflowExecutionSignaledEventAttributes().getSignalName()).isEqualTo("c");

    // Same request id: the same new run, nothing else changes.
    assertThat(reset("wf-reset-mid", base, 8, "req-mid")).isEqualTo(newRun);
    assertThat(h.history("wf-reset-mid", newRun)).hasSize(11);
  }

  @Test
  void excludedSignalsAreNotReapplied() {
    String base = startWithSignals("wf-reset-nosig", "a");
    String newRun =
        reset("wf-reset-nosig", base, 4, "r", ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL);
    assertThat(types(h.history("wf-reset-nosig", newRun)))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  }

  @Test
  void resetPointMustFinishAWorkflowTask() {
    String base = startWithSignals("wf-reset-bad", "a");
    // Event 5 is the signal: no workflow task is outstanding right before it.
    EngineException e = engineError(() -> resets.reset(h.nsId,
        ResetWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-reset-bad").setRunId(base))
            .setWorkflowTaskFinishEventId(5).setRequestId("x").build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(e.getMessage()).contains("WorkflowTaskScheduled");
    EngineException tooFar = engineError(() -> resets.reset(h.nsId,
        ResetWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-reset-bad"))
            .setWorkflowTaskFinishEventId(99).setRequestId("y").build()));
    assertThat(tooFar.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
    assertThat(tooFar.getMessage()).contains("finish ID");
    // Nothing changed.
    assertThat(h.state("wf-reset-bad", "").runId).isEqualTo(base);
  }

  @Test
  void resetOfAClosedRunToTheStartedEventAddsAStartedEvent() {
    String base = startWithSignals("wf-reset-closed");
    h.signal("wf-reset-closed", "s");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(),
        Commands.completeWorkflow(EngineHarness.payloads("r")));
    // Finish id 3 is the first task's started event: the reset run starts it itself.
    String newRun = reset("wf-reset-closed", base, 3, "c");
    List<HistoryEvent> reset = h.history("wf-reset-closed", newRun);
    assertThat(types(reset))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(reset.get(2).getWorkflowTaskStartedEventAttributes().getIdentity())
        .isEqualTo("history-service");
    assertThat(h.state("wf-reset-closed", base).status)
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(h.state("wf-reset-closed", "").runId).isEqualTo(newRun);
  }

  @Test
  void pendingActivitiesAndTimersAtTheResetPointAreArmedAgain() {
    String runId = h.start("wf-reset-pending");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(),
        scheduleActivity("act-1"), startTimer("t-1", 1));
    // 5 activity scheduled, 6 timer started; the timer fires (7), a task runs (8-10).
    h.advance(Duration.ofSeconds(2));
    h.awaitHistory("wf-reset-pending", runId, "timer fired",
        hist -> types(hist).contains(EVENT_TYPE_TIMER_FIRED));
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken());
    List<HistoryEvent> baseHistory = h.history("wf-reset-pending", runId);
    long secondCompleted = baseHistory.get(baseHistory.size() - 1).getEventId();
    assertThat(baseHistory.get((int) secondCompleted - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_TASK_COMPLETED);

    // Back to the second task: the activity is still pending there and is dispatched again.
    PollActivityTaskQueueResponse stale = h.pollActivityTask();
    String newRun = reset("wf-reset-pending", runId, secondCompleted, "p");
    PollActivityTaskQueueResponse again = h.pollActivityTask();
    assertThat(again.getWorkflowExecution().getRunId()).isEqualTo(newRun);
    assertThat(again.getActivityId()).isEqualTo("act-1");
    // The old run's activity can no longer complete.
    EngineException gone = engineError(() -> h.engine.activityTasks.completeActivity(
        ActivityTaskService.ActivityRef.ofToken(stale.getTaskToken()), null, "w"));
    assertThat(gone.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    h.completeActivity(again.getTaskToken(), EngineHarness.payloads("ok"));
    h.awaitHistory("wf-reset-pending", newRun, "activity completed in the new run",
        hist -> types(hist).contains(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED));

    // Back to the first task: the timer is pending there too, with its original fire time (past).
    String third = reset("wf-reset-pending", newRun, 4, UUID.randomUUID().toString());
    List<HistoryEvent> r3 = h.history("wf-reset-pending", third);
    assertThat(types(r3)).doesNotContain(EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EVENT_TYPE_TIMER_STARTED);
    MutableState s3 = h.state("wf-reset-pending", third);
    assertThat(s3.activities).isEmpty();
    assertThat(s3.reset.baseRunId).isEqualTo(newRun);
  }

  @Test
  void autoResetPointsAreRecordedPerBinaryChecksum() {
    String runId = h.start("wf-points");
    var t1 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(t1.getTaskToken()).setIdentity("w").setBinaryChecksum("v1").build());
    h.signal("wf-points", "x");
    var t2 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(t2.getTaskToken()).setIdentity("w").setBinaryChecksum("v1").build());
    h.signal("wf-points", "y");
    var t3 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(t3.getTaskToken()).setIdentity("w").setBinaryChecksum("v2").build());
    var points = h.state("wf-points", runId).reset.autoResetPoints.getPointsList();
    assertThat(points).hasSize(2);
    assertThat(points.get(0).getBinaryChecksum()).isEqualTo("v1");
    assertThat(points.get(0).getFirstWorkflowTaskCompletedId()).isEqualTo(4);
    assertThat(points.get(0).getRunId()).isEqualTo(runId);
    assertThat(points.get(0).getResettable()).isTrue();
    assertThat(points.get(1).getBinaryChecksum()).isEqualTo("v2");
    assertThat(points.get(1).getFirstWorkflowTaskCompletedId()).isEqualTo(12);
    var described = Describer.describe(h.state("wf-points", runId));
    assertThat(described.getWorkflowExecutionInfo().getAutoResetPoints().getPointsList())
        .isEqualTo(points);
  }
}
