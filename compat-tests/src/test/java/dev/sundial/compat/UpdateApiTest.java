package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.expectStatus;
import static dev.sundial.compat.UpdateTest.ofType;
import static dev.sundial.compat.UpdateTest.startCounter;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.UpdateTest.Counter;
import dev.sundial.compat.UpdateTest.CounterImpl;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.errordetails.v1.MultiOperationExecutionFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.workflow.Workflow;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflow updates over the raw API: update-with-start, polling an update by id, and requests
 * rejected with the field named.
 */
class UpdateApiTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ---------------------------------------------------------------- update-with-start

  @Test
  void updateWithStart() {
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("update-with-start");
    Counter counter =
        sundial.client()
            .newWorkflowStub(
                Counter.class,
                sundial.workflowOptions(id)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .build());

    int first =
        WorkflowClient.executeUpdateWithStart(
            counter::add,
            7,
            UpdateOptions.<Integer>newBuilder().build(),
            new WithStartWorkflowOperation<>(counter::run));
    assertThat(first).isEqualTo(7);

    // The workflow is running now: the second one attaches to it.
    Counter again =
        sundial.client()
            .newWorkflowStub(
                Counter.class,
                sundial.workflowOptions(id)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .build());
    WorkflowUpdateHandle<Integer> handle =
        WorkflowClient.startUpdateWithStart(
            again::add,
            5,
            UpdateOptions.<Integer>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
            new WithStartWorkflowOperation<>(again::run));
    assertThat(handle.getResult()).isEqualTo(12);

    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(12);
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).hasSize(2);
  }

  @Test
  void updateWithStartRejectsMismatchedOperations() throws Exception {
    String id = sundial.newWorkflowId("update-with-start-bad");
    var start =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("Counter"))
            .setTaskQueue(TaskQueue.newBuilder().setName("q"))
            .build();
    var request =
        ExecuteMultiOperationRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .addOperations(
                ExecuteMultiOperationRequest.Operation.newBuilder()
                    .setStartWorkflow(start))
            .addOperations(
                ExecuteMultiOperationRequest.Operation.newBuilder()
                    .setUpdateWorkflow(rawUpdate(id + "-other", "u1", "add")))
            .build();
    StatusRuntimeException e = expectStatus(() -> sundial.blockingStub().executeMultiOperation(request));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    var details = StatusProto.fromThrowable(e).getDetailsList();
    assertThat(details).hasSize(1);
    var failure =
        details.get(0).unpack(MultiOperationExecutionFailure.class);
    assertThat(failure.getStatuses(0).getCode()).isEqualTo(Status.Code.ABORTED.value());
    assertThat(failure.getStatuses(1).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(failure.getStatuses(1).getMessage())
        .isEqualTo("WorkflowId is not consistent with previous operation(s).");
  }

  // ---------------------------------------------------------------- raw API

  static UpdateWorkflowExecutionRequest rawUpdate(String workflowId, String updateId, String name) {
    return UpdateWorkflowExecutionRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setWaitPolicy(
            WaitPolicy.newBuilder()
                .setLifecycleStage(
                    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED))
        .setRequest(
            Request.newBuilder()
                .setMeta(Meta.newBuilder().setUpdateId(updateId))
                .setInput(Input.newBuilder().setName(name)))
        .build();
  }

  @Test
  void badUpdateRequestsNameTheField() {
    String id = sundial.newWorkflowId("update-invalid");
    var noName = rawUpdate(id, "x", "");
    StatusRuntimeException e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noName));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("Update name is not set on request.");

    var noWorkflowId = rawUpdate("", "x", "add");
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noWorkflowId));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("WorkflowId is not set on request.");

    var noMeta = rawUpdate(id, "x", "add").toBuilder();
    noMeta.getRequestBuilder().clearMeta();
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noMeta.build()));
    assertThat(e.getStatus().getDescription()).isEqualTo("Update meta is not set on request.");

    var admitted = rawUpdate(id, "x", "add").toBuilder();
    admitted.getWaitPolicyBuilder()
        .setLifecycleStage(UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(admitted.build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(rawUpdate(id, "x", "add")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void pollUpdateByIdAndUnknownId() {
    String id = sundial.newWorkflowId("update-poll");
    Counter counter = startCounter(sundial, id);
    WorkflowStub.fromTyped(counter)
        .startUpdate(
            UpdateOptions.newBuilder(Integer.class)
                .setUpdateName("add")
                .setUpdateId("known")
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            9)
        .getResult();

    PollWorkflowExecutionUpdateResponse r =
        sundial.blockingStub()
            .pollWorkflowExecutionUpdate(pollRequest(id, "known"));
    assertThat(r.getStage())
        .isEqualTo(UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    assertThat(r.getOutcome().hasSuccess()).isTrue();
    assertThat(r.getUpdateRef().getUpdateId()).isEqualTo("known");

    StatusRuntimeException e =
        expectStatus(() -> sundial.blockingStub().pollWorkflowExecutionUpdate(pollRequest(id, "unknown")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    // Still known once the workflow has completed (the outcome is in history).
    counter.finish();
    WorkflowStub.fromTyped(counter).getResult(Integer.class);
    r = sundial.blockingStub().pollWorkflowExecutionUpdate(pollRequest(id, "known"));
    assertThat(r.getOutcome().hasSuccess()).isTrue();
  }

  private static PollWorkflowExecutionUpdateRequest pollRequest(String workflowId, String updateId) {
    return PollWorkflowExecutionUpdateRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setUpdateRef(
            UpdateRef.newBuilder()
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .setUpdateId(updateId))
        .setWaitPolicy(
            WaitPolicy.newBuilder()
                .setLifecycleStage(
                    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED))
        .build();
  }
}
