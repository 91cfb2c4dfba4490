package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static dev.sundial.compat.SignalTest.await;
import static dev.sundial.compat.SignalTest.result;
import static dev.sundial.compat.SignalTest.signalValues;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SignalWithStartWorkflowExecution through the Java SDK: starting, signalling, request-id
 * idempotency and every id reuse and conflict policy.
 */
class SignalWithStartTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Started by SignalWithStart: returns its input and the signals it got, once released. */
  @WorkflowInterface
  public interface SwsWorkflow {
    @WorkflowMethod
    String run(String input);

    @SignalMethod
    void add(String value);

    @SignalMethod
    void finish();
  }

  public static class SwsWorkflowImpl implements SwsWorkflow {
    private final List<String> received = new ArrayList<>();
    private boolean finished;

    @Override
    public String run(String input) {
      if (input.equals("fail")) {
        Workflow.await(() -> !received.isEmpty());
        throw ApplicationFailure.newNonRetryableFailure("failed on purpose", "Purpose");
      }
      if (input.equals("quick")) {
        Workflow.await(() -> !received.isEmpty());
      } else {
        Workflow.await(() -> finished);
      }
      return input + ":" + String.join(",", received);
    }

    @Override
    public void add(String value) {
      received.add(value);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  private SwsWorkflow swsStub(
      String id, WorkflowIdReusePolicy reuse, WorkflowIdConflictPolicy conflict) {
    WorkflowOptions.Builder options = sundial.workflowOptions(id);
    if (reuse != null) {
      options.setWorkflowIdReusePolicy(reuse);
    }
    if (conflict != null) {
      options.setWorkflowIdConflictPolicy(conflict);
    }
    return sundial.client().newWorkflowStub(SwsWorkflow.class, options.build());
  }

  private static WorkflowExecution signalWithStart(SwsWorkflow wf, String input, String signal) {
    return WorkflowStub.fromTyped(wf)
        .signalWithStart("add", new Object[] {signal}, new Object[] {input});
  }

  private void startSwsWorker() {
    sundial.worker().registerWorkflowImplementationTypes(SwsWorkflowImpl.class);
    sundial.startWorkers();
  }

  // ---------------------------------------------------------------- SignalWithStart

  @Test
  void signalWithStartStartsAWorkflowThatDoesNotExist() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-absent");
    SwsWorkflow wf = swsStub(id, null, null);
    WorkflowExecution started = signalWithStart(wf, "quick", "hello");
    assertThat(started.getRunId()).isNotEmpty();

    assertThat(result(WorkflowStub.fromTyped(wf), String.class, 30)).isEqualTo("quick:hello");

    List<HistoryEvent> history = sundial.history(id, started.getRunId());
    // The signal is recorded right after the start, before the first workflow task.
    assertThat(eventTypes(history).subList(0, 3))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(signalValues(history)).containsExactly("hello");
  }

  @Test
  void signalWithStartSignalsARunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-running");
    SwsWorkflow first = swsStub(id, null, null);
    String runId = WorkflowClient.start(first::run, "long").getRunId();

    WorkflowExecution again = signalWithStart(swsStub(id, null, null), "ignored", "one");
    assertThat(again.getRunId()).as("run that received the signal").isEqualTo(runId);
    WorkflowExecution third = signalWithStart(swsStub(id, null, null), "ignored", "two");
    assertThat(third.getRunId()).isEqualTo(runId);
    WorkflowStub.fromTyped(first).signal("finish");

    // The input of the running workflow is kept; both signals arrived.
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("long:one,two");
    List<HistoryEvent> history = sundial.history(id, runId);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(signalValues(history)).containsExactly("one", "two");
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(runId);
  }

  @Test
  void signalWithStartIsIdempotentByRequestId() {
    // No worker needed.
    String id = sundial.newWorkflowId("sws-request-id");
    SignalWithStartWorkflowExecutionRequest request =
        SignalWithStartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("SwsWorkflow"))
            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads("long").get())
            .setSignalName("add")
            .setSignalInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads("x").get())
            .setIdentity("compat-test")
            .setRequestId(UUID.randomUUID().toString())
            .build();
    var first = sundial.blockingStub().signalWithStartWorkflowExecution(request);
    var second = sundial.blockingStub().signalWithStartWorkflowExecution(request);
    assertThat(first.getRunId()).isNotEmpty();
    assertThat(first.getStarted()).isTrue();
    assertThat(second.getRunId()).isEqualTo(first.getRunId());
    assertThat(second.getStarted()).isFalse();

    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(signalValues(history)).containsExactly("x");

    // A new request id signals the running workflow again.
    var third =
        sundial
            .blockingStub()
            .signalWithStartWorkflowExecution(
                request.toBuilder().setRequestId(UUID.randomUUID().toString()).build());
    assertThat(third.getRunId()).isEqualTo(first.getRunId());
    assertThat(third.getStarted()).isFalse();
    assertThat(signalValues(sundial.history(id, null))).containsExactly("x", "x");
    sundial.client().newUntypedWorkflowStub(id).terminate("done");
  }

  @Test
  void signalWithStartAfterCompletionStartsANewRunUnderAllowDuplicate() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-allow-dup");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = signalWithStart(first, "quick", "a").getRunId();
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("quick:a");

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, null);
    String run2 = signalWithStart(second, "quick", "b").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:b");
    assertThat(signalValues(sundial.history(id, run1))).containsExactly("a");
    assertThat(signalValues(sundial.history(id, run2))).containsExactly("b");
  }

  @Test
  void signalWithStartHonoursRejectDuplicate() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-reject");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = signalWithStart(first, "quick", "a").getRunId();
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("quick:a");

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, null);
    WorkflowExecutionAlreadyStarted e =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class, () -> signalWithStart(second, "quick", "b"));
    assertThat(e.getExecution().getWorkflowId()).isEqualTo(id);
    // Nothing happened to the closed run, and no new run exists.
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(run1);
    assertThat(signalValues(sundial.history(id, run1))).containsExactly("a");
  }

  @Test
  void signalWithStartHonoursAllowDuplicateFailedOnly() {
    startSwsWorker();
    WorkflowIdReusePolicy policy =
        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY;

    String okId = sundial.newWorkflowId("sws-failed-only-ok");
    SwsWorkflow ok = swsStub(okId, null, null);
    signalWithStart(ok, "quick", "a");
    assertThat(result(WorkflowStub.fromTyped(ok), String.class, 30)).isEqualTo("quick:a");
    assertThrows(
        WorkflowExecutionAlreadyStarted.class,
        () -> signalWithStart(swsStub(okId, policy, null), "quick", "b"));

    String failId = sundial.newWorkflowId("sws-failed-only-fail");
    SwsWorkflow failing = swsStub(failId, null, null);
    String failedRun = signalWithStart(failing, "fail", "a").getRunId();
    assertThrows(
        WorkflowFailedException.class,
        () -> result(WorkflowStub.fromTyped(failing), String.class, 30));
    SwsWorkflow retry = swsStub(failId, policy, null);
    String retryRun = signalWithStart(retry, "quick", "b").getRunId();
    assertThat(retryRun).isNotEqualTo(failedRun);
    assertThat(result(WorkflowStub.fromTyped(retry), String.class, 30)).isEqualTo("quick:b");
  }

  @Test
  void signalWithStartTerminateExistingReplacesTheRunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-terminate-existing");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "long").getRunId();

    SwsWorkflow second =
        swsStub(id, null, WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING);
    String run2 = signalWithStart(second, "quick", "fresh").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:fresh");

    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    List<HistoryEvent> old = sundial.history(id, run1);
    assertThat(old.get(old.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    // The signal went to the new run only.
    assertThat(signalValues(old)).isEmpty();
    assertThat(signalValues(sundial.history(id, run2))).containsExactly("fresh");
  }

  @Test
  @SuppressWarnings("deprecation")
  void signalWithStartTerminateIfRunningReplacesTheRunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-terminate-if-running");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "long").getRunId();

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, null);
    String run2 = signalWithStart(second, "quick", "fresh").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:fresh");
    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(signalValues(sundial.history(id, run1))).isEmpty();
  }

  @Test
  void signalWithStartRejectsConflictPolicyFail() {
    String id = sundial.newWorkflowId("sws-conflict-fail");
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .signalWithStartWorkflowExecution(
                        SignalWithStartWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowId(id)
                            .setWorkflowType(WorkflowType.newBuilder().setName("SwsWorkflow"))
                            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                            .setSignalName("add")
                            .setRequestId(UUID.randomUUID().toString())
                            .setWorkflowIdConflictPolicy(
                                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    // Nothing was started.
    StatusRuntimeException notFound = CompatServer.expectStatus(() -> sundial.describe(id, null));
    assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
