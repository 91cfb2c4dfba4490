package dev.sundial.engine;

import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.startRequest;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start semantics through the Engine (request ids, id reuse policies), signal dedup, unknown
 * workflows and termination.
 */
class EngineStartTerminateTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
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
    EngineException again = engineError(() -> h.engine.workflows.terminate(h.nsId, "wf-term", "", "", "x", null, "y"));
    assertThat(again.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    assertThat(engineError(() -> h.engine.workflows.terminate(h.nsId, "no-such-wf", "", "", "x", null, "y")))
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
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(wt.getTaskToken())
                        .addCommands(completeWorkflow(null))
                        .build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
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
        SignalWorkflowExecutionRequest.newBuilder()
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
}
