package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.StatusUtils;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workflow id reuse and conflict policies, and start idempotency by request id. */
class WorkflowIdPolicyTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface PolicyWorkflow {
    /** "ok" returns, "fail" fails, "wait" waits for the release signal. */
    @WorkflowMethod
    String run(String mode);

    @SignalMethod
    void release();
  }

  public static class PolicyWorkflowImpl implements PolicyWorkflow {
    private boolean released;

    @Override
    public String run(String mode) {
      switch (mode) {
        case "fail":
          throw ApplicationFailure.newFailure("failed on purpose", "Purpose");
        case "wait":
          Workflow.await(() -> released);
          return "released";
        default:
          return "done:" + mode;
      }
    }

    @Override
    public void release() {
      released = true;
    }
  }

  private void startWorker() {
    sundial.worker().registerWorkflowImplementationTypes(PolicyWorkflowImpl.class);
    sundial.startWorkers();
  }

  private PolicyWorkflow stub(
      String id, WorkflowIdReusePolicy reuse, WorkflowIdConflictPolicy conflict) {
    WorkflowOptions.Builder options = sundial.workflowOptions(id);
    if (reuse != null) {
      options.setWorkflowIdReusePolicy(reuse);
    }
    if (conflict != null) {
      options.setWorkflowIdConflictPolicy(conflict);
    }
    return sundial.client().newWorkflowStub(PolicyWorkflow.class, options.build());
  }

  private static String result(PolicyWorkflow wf) {
    try {
      return WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, String.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 30 s", e);
    }
  }

  @Test
  void allowDuplicate() {
    startWorker();
    String id = sundial.newWorkflowId("reuse-allow");
    PolicyWorkflow first =
        stub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, null);
    String run1 = WorkflowClient.start(first::run, "one").getRunId();
    assertThat(result(first)).isEqualTo("done:one");

    PolicyWorkflow second =
        stub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, null);
    String run2 = WorkflowClient.start(second::run, "two").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(second)).isEqualTo("done:two");
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(run2);
    // The first run is still there, untouched.
    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void allowDuplicateFailedOnly() {
    startWorker();
    WorkflowIdReusePolicy policy =
        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY;

    // After a successful run the id cannot be reused.
    String okId = sundial.newWorkflowId("reuse-failed-only-ok");
    PolicyWorkflow ok = stub(okId, policy, null);
    String okRun = WorkflowClient.start(ok::run, "x").getRunId();
    assertThat(result(ok)).isEqualTo("done:x");
    PolicyWorkflow again = stub(okId, policy, null);
    WorkflowExecutionAlreadyStarted e =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class, () -> WorkflowClient.start(again::run, "y"));
    assertThat(e.getExecution().getWorkflowId()).isEqualTo(okId);
    assertThat(e.getExecution().getRunId()).isEqualTo(okRun);

    // After a failed run it can.
    String failId = sundial.newWorkflowId("reuse-failed-only-fail");
    PolicyWorkflow failing = stub(failId, policy, null);
    String failedRun = WorkflowClient.start(failing::run, "fail").getRunId();
    assertThrows(WorkflowFailedException.class, () -> result(failing));
    PolicyWorkflow retry = stub(failId, policy, null);
    String retryRun = WorkflowClient.start(retry::run, "z").getRunId();
    assertThat(retryRun).isNotEqualTo(failedRun);
    assertThat(result(retry)).isEqualTo("done:z");
  }

  @Test
  void rejectDuplicate() {
    startWorker();
    WorkflowIdReusePolicy policy = WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
    String id = sundial.newWorkflowId("reuse-reject");
    PolicyWorkflow first = stub(id, policy, null);
    String run1 = WorkflowClient.start(first::run, "fail").getRunId();
    assertThrows(WorkflowFailedException.class, () -> result(first));

    // Rejected even though the previous run failed.
    PolicyWorkflow second = stub(id, policy, null);
    WorkflowExecutionAlreadyStarted e =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class,
            () -> WorkflowClient.start(second::run, "again"));
    assertThat(e.getExecution().getRunId()).isEqualTo(run1);
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(run1);
  }

  @Test
  @SuppressWarnings("deprecation")
  void terminateIfRunning() {
    startWorker();
    String id = sundial.newWorkflowId("reuse-terminate");
    PolicyWorkflow first = stub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "wait").getRunId();

    PolicyWorkflow second =
        stub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, null);
    String run2 = WorkflowClient.start(second::run, "after").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(second)).isEqualTo("done:after");

    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    List<HistoryEvent> firstHistory = sundial.history(id, run1);
    assertThat(firstHistory.get(firstHistory.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
  }

  @Test
  void conflictPolicyUseExisting() {
    startWorker();
    String id = sundial.newWorkflowId("conflict-use-existing");
    PolicyWorkflow first = stub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "wait").getRunId();

    PolicyWorkflow second =
        stub(id, null, WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING);
    WorkflowExecution existing = WorkflowClient.start(second::run, "wait");
    assertThat(existing.getRunId()).isEqualTo(run1);

    first.release();
    assertThat(result(first)).isEqualTo("released");
    // Only one run was ever started for this id.
    assertThat(eventsOfType(sundial.history(id, run1), EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
        .hasSize(1);
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(run1);
  }

  @Test
  void conflictPolicyFail() {
    startWorker();
    String id = sundial.newWorkflowId("conflict-fail");
    PolicyWorkflow first = stub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "wait").getRunId();

    PolicyWorkflow second =
        stub(id, null, WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL);
    WorkflowExecutionAlreadyStarted e =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class, () -> WorkflowClient.start(second::run, "x"));
    assertThat(e.getExecution().getRunId()).isEqualTo(run1);

    // The default (unspecified) policy behaves the same while a run is open.
    PolicyWorkflow third = stub(id, null, null);
    WorkflowExecutionAlreadyStarted e2 =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class, () -> WorkflowClient.start(third::run, "y"));
    assertThat(e2.getExecution().getRunId()).isEqualTo(run1);

    first.release();
    assertThat(result(first)).isEqualTo("released");
  }

  @Test
  void incompatiblePoliciesAreRefusedAsTemporalRefusesThem() {
    String id = sundial.newWorkflowId("policies");
    var base = StartWorkflowExecutionRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
        .setWorkflowId(id).setWorkflowType(WorkflowType.newBuilder().setName("PolicyWorkflow"))
        .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()));
    StatusRuntimeException a = CompatServer.expectStatus(() -> sundial.blockingStub()
        .startWorkflowExecution(base.clone().setRequestId(UUID.randomUUID().toString())
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .build()));
    assertThat(a.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(a.getStatus().getDescription()).isEqualTo("Invalid WorkflowIDReusePolicy:"
        + " WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING cannot be used together with a"
        + " WorkflowIDConflictPolicy");
    StatusRuntimeException b = CompatServer.expectStatus(() -> sundial.blockingStub()
        .startWorkflowExecution(base.clone().setRequestId(UUID.randomUUID().toString())
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setWorkflowIdConflictPolicy(
                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING)
            .build()));
    assertThat(b.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(b.getStatus().getDescription()).contains("REJECT_DUPLICATE cannot be used together"
        + " with WorkflowIdConflictPolicy WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING");
    // Nothing was started.
    assertThat(CompatServer.expectStatus(() -> sundial.describe(id, "")).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    // TERMINATE_IF_RUNNING alone is still accepted (Temporal migrates it to TERMINATE_EXISTING).
    assertThat(sundial.blockingStub().startWorkflowExecution(base.clone()
        .setRequestId(UUID.randomUUID().toString())
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING)
        .build()).getStarted()).isTrue();
  }

  @Test
  void startIsIdempotentByRequestId() {
    // No worker: the workflow stays open.
    String id = sundial.newWorkflowId("request-id");
    String requestId = UUID.randomUUID().toString();
    StartWorkflowExecutionRequest request =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("PolicyWorkflow"))
            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
            .setIdentity("compat-test")
            .setRequestId(requestId)
            .build();

    StartWorkflowExecutionResponse first = sundial.blockingStub().startWorkflowExecution(request);
    StartWorkflowExecutionResponse second = sundial.blockingStub().startWorkflowExecution(request);
    assertThat(first.getRunId()).isNotEmpty();
    assertThat(second.getRunId()).isEqualTo(first.getRunId());

    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                sundial
                    .blockingStub()
                    .startWorkflowExecution(
                        request.toBuilder().setRequestId(UUID.randomUUID().toString()).build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    WorkflowExecutionAlreadyStartedFailure details =
        StatusUtils.getFailure(e, WorkflowExecutionAlreadyStartedFailure.class);
    assertThat(details)
        .as("WorkflowExecutionAlreadyStartedFailure in the status details")
        .isNotNull();
    assertThat(details.getRunId()).isEqualTo(first.getRunId());
    assertThat(details.getStartRequestId()).isEqualTo(requestId);

    // Exactly one run exists and it has exactly one start event.
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(first.getRunId());
    assertThat(eventsOfType(sundial.history(id, null), EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
        .hasSize(1);
  }
}
