package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.batch.v1.BatchOperationCancellation;
import io.temporal.api.batch.v1.BatchOperationDeletion;
import io.temporal.api.batch.v1.BatchOperationInfo;
import io.temporal.api.batch.v1.BatchOperationReset;
import io.temporal.api.batch.v1.BatchOperationSignal;
import io.temporal.api.batch.v1.BatchOperationTermination;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.enums.v1.BatchOperationType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ResetType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationRequest;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationResponse;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListBatchOperationsRequest;
import io.temporal.api.workflowservice.v1.ListBatchOperationsResponse;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import io.temporal.api.workflowservice.v1.StopBatchOperationRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batch operations through raw gRPC, on workflows run by the official SDK worker: terminate and
 * signal by visibility query, cancel by an explicit execution list, delete, progress counts,
 * listing, stopping a long job, durability across a restart, and request validation.
 */
class BatchOperationTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface BatchWaitWorkflow {
    @WorkflowMethod
    String run();

    @SignalMethod
    void poke(String value);
  }

  /** Waits for a poke and returns it; cancellation or termination ends it otherwise. */
  public static class BatchWaitWorkflowImpl implements BatchWaitWorkflow {
    private String poked;

    @Override
    public String run() {
      Workflow.await(() -> poked != null);
      return "poked:" + poked;
    }

    @Override
    public void poke(String value) {
      poked = value;
    }
  }

  private List<WorkflowExecution> startWaiting(String prefix, int n) {
    sundial.worker().registerWorkflowImplementationTypes(BatchWaitWorkflowImpl.class);
    sundial.startWorkers();
    List<WorkflowExecution> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      BatchWaitWorkflow wf =
          sundial.newWorkflowStub(BatchWaitWorkflow.class, sundial.newWorkflowId(prefix + i));
      started.add(WorkflowClient.start(wf::run));
    }
    return started;
  }

  private String byQueueQuery() {
    return "WorkflowType = 'BatchWaitWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '"
        + sundial.taskQueue() + "'";
  }

  private static StartBatchOperationRequest.Builder request(String jobId) {
    return StartBatchOperationRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setJobId(jobId)
        .setReason("batch test");
  }

  private static DescribeBatchOperationResponse describe(WorkflowServiceStubs stubs, String jobId) {
    return stubs.blockingStub().describeBatchOperation(
        DescribeBatchOperationRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setJobId(jobId)
            .build());
  }

  private static DescribeBatchOperationResponse awaitDone(WorkflowServiceStubs stubs, String jobId) {
    CompatServer.await(Duration.ofSeconds(20), "batch job " + jobId + " finishes",
        () -> describe(stubs, jobId).getState() != BatchOperationState.BATCH_OPERATION_STATE_RUNNING);
    return describe(stubs, jobId);
  }

  private static WorkflowExecutionStatus status(WorkflowServiceStubs stubs, WorkflowExecution e) {
    return stubs.blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setExecution(e)
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }

  private static void awaitStatus(List<WorkflowExecution> executions, WorkflowExecutionStatus st) {
    CompatServer.await(Duration.ofSeconds(10), "executions reach " + st,
        () -> executions.stream().allMatch(e -> status(sundial.stubs(), e) == st));
  }

  private static StatusRuntimeException startFails(StartBatchOperationRequest req) {
    return assertThrows(StatusRuntimeException.class,
        () -> sundial.blockingStub().startBatchOperation(req));
  }

  // ---------------------------------------------------------------- operations

  @Test
  void terminateByQueryCountsProgressAndCompletes() {
    List<WorkflowExecution> running = startWaiting("term-", 5);
    String jobId = "term-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(jobId)
            .setVisibilityQuery(byQueueQuery())
            .setTerminationOperation(BatchOperationTermination.newBuilder().setIdentity("batcher"))
            .build());

    DescribeBatchOperationResponse done = awaitDone(sundial.stubs(), jobId);
    assertThat(done.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
    assertThat(done.getOperationType()).isEqualTo(BatchOperationType.BATCH_OPERATION_TYPE_TERMINATE);
    assertThat(done.getJobId()).isEqualTo(jobId);
    assertThat(done.getTotalOperationCount()).isEqualTo(5);
    assertThat(done.getCompleteOperationCount()).isEqualTo(5);
    assertThat(done.getFailureOperationCount()).isZero();
    assertThat(done.getIdentity()).isEqualTo("batcher");
    assertThat(done.getReason()).isEqualTo("batch test");
    assertThat(done.hasStartTime()).isTrue();
    assertThat(done.hasCloseTime()).isTrue();
    for (WorkflowExecution e : running) {
      assertThat(status(sundial.stubs(), e))
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    }
    var terminated = CompatServer.eventsOfType(
        sundial.history(running.get(0).getWorkflowId(), running.get(0).getRunId()),
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    assertThat(terminated.get(0).getWorkflowExecutionTerminatedEventAttributes().getReason())
        .isEqualTo("batch test");

    // The query now selects nothing (only running executions are terminated): an empty job.
    String again = "term-again-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(again)
            .setVisibilityQuery(byQueueQuery())
            .setTerminationOperation(BatchOperationTermination.getDefaultInstance())
            .build());
    DescribeBatchOperationResponse empty = awaitDone(sundial.stubs(), again);
    assertThat(empty.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
    assertThat(empty.getTotalOperationCount()).isZero();
  }

  @Test
  void cancelByExecutionList() throws Exception {
    List<WorkflowExecution> running = startWaiting("cancel-", 3);
    String jobId = "cancel-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(jobId)
            .addAllExecutions(running.subList(0, 2))
            .setCancellationOperation(BatchOperationCancellation.newBuilder().setIdentity("ops"))
            .build());
    DescribeBatchOperationResponse done = awaitDone(sundial.stubs(), jobId);
    assertThat(done.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
    assertThat(done.getOperationType()).isEqualTo(BatchOperationType.BATCH_OPERATION_TYPE_CANCEL);
    assertThat(done.getTotalOperationCount()).isEqualTo(2);
    assertThat(done.getCompleteOperationCount()).isEqualTo(2);
    awaitStatus(running.subList(0, 2), WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(status(sundial.stubs(), running.get(2)))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void signalByQueryIsReceivedByWorkflows() throws Exception {
    List<WorkflowExecution> running = startWaiting("signal-", 4);
    String jobId = "signal-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(jobId)
            .setVisibilityQuery(byQueueQuery())
            .setMaxOperationsPerSecond(100)
            .setSignalOperation(
                BatchOperationSignal.newBuilder()
                    .setSignal("poke")
                    .setInput(DefaultDataConverter.newDefaultInstance().toPayloads("hello").get())
                    .setIdentity("signaller"))
            .build());
    DescribeBatchOperationResponse done = awaitDone(sundial.stubs(), jobId);
    assertThat(done.getCompleteOperationCount()).isEqualTo(4);
    assertThat(done.getOperationType()).isEqualTo(BatchOperationType.BATCH_OPERATION_TYPE_SIGNAL);
    for (WorkflowExecution e : running) {
      WorkflowStub stub = sundial.client().newUntypedWorkflowStub(e.getWorkflowId());
      assertThat(stub.getResult(10, TimeUnit.SECONDS, String.class))
          .isEqualTo("poked:hello");
    }
  }

  @Test
  void deleteRemovesExecutionsAndMissingOnesCountAsDone() {
    List<WorkflowExecution> running = startWaiting("delete-", 2);
    List<WorkflowExecution> targets = new ArrayList<>(running);
    targets.add(WorkflowExecution.newBuilder().setWorkflowId("no-such-" + UUID.randomUUID()).build());
    String jobId = "delete-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(jobId)
            .addAllExecutions(targets)
            .setDeletionOperation(BatchOperationDeletion.getDefaultInstance())
            .build());
    DescribeBatchOperationResponse done = awaitDone(sundial.stubs(), jobId);
    assertThat(done.getOperationType()).isEqualTo(BatchOperationType.BATCH_OPERATION_TYPE_DELETE);
    assertThat(done.getTotalOperationCount()).isEqualTo(3);
    // As Temporal's batcher: an execution that is not found is skipped, not a failure.
    assertThat(done.getCompleteOperationCount()).isEqualTo(3);
    assertThat(done.getFailureOperationCount()).isZero();
    for (WorkflowExecution e : running) {
      StatusRuntimeException nf = assertThrows(StatusRuntimeException.class,
          () -> status(sundial.stubs(), e));
      assertThat(nf.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }

  @Test
  void stopLongJobAndListShowsJobs() {
    List<WorkflowExecution> running = startWaiting("stop-", 6);
    String jobId = "stop-" + UUID.randomUUID();
    sundial.blockingStub().startBatchOperation(
        request(jobId)
            .setVisibilityQuery(byQueueQuery())
            .setMaxOperationsPerSecond(1)
            .setTerminationOperation(BatchOperationTermination.getDefaultInstance())
            .build());
    CompatServer.await(Duration.ofSeconds(10), "first execution terminated",
        () -> describe(sundial.stubs(), jobId).getCompleteOperationCount() >= 1);
    DescribeBatchOperationResponse mid = describe(sundial.stubs(), jobId);
    assertThat(mid.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_RUNNING);
    assertThat(mid.getTotalOperationCount()).isEqualTo(6);

    ListBatchOperationsResponse listed = sundial.blockingStub().listBatchOperations(
        ListBatchOperationsRequest.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
    assertThat(listed.getOperationInfoList()).extracting(BatchOperationInfo::getJobId)
        .contains(jobId);

    sundial.blockingStub().stopBatchOperation(
        StopBatchOperationRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setJobId(jobId)
            .setReason("enough")
            .build());
    DescribeBatchOperationResponse stopped = describe(sundial.stubs(), jobId);
    assertThat(stopped.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_FAILED);
    assertThat(stopped.hasCloseTime()).isTrue();
    long processed = stopped.getCompleteOperationCount();
    assertThat(processed).isLessThan(6);
    // Nothing more happens after the stop.
    sleep(1500);
    assertThat(describe(sundial.stubs(), jobId).getCompleteOperationCount()).isEqualTo(processed);
    long stillRunning = running.stream()
        .filter(e -> status(sundial.stubs(), e)
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
        .count();
    assertThat(stillRunning).isGreaterThanOrEqualTo(6 - processed - 1);

    // Stopping a finished job: NOT_FOUND, as terminating a closed Temporal batch workflow.
    StatusRuntimeException again = assertThrows(StatusRuntimeException.class,
        () -> sundial.blockingStub().stopBatchOperation(
            StopBatchOperationRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setJobId(jobId)
                .setReason("again")
                .build()));
    assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    // Paging: one job per page still reaches this job.
    Set<String> seen = new HashSet<>();
    ByteString token = ByteString.EMPTY;
    int pages = 0;
    do {
      ListBatchOperationsResponse page = sundial.blockingStub().listBatchOperations(
          ListBatchOperationsRequest.newBuilder()
              .setNamespace(CompatServer.NAMESPACE)
              .setPageSize(1)
              .setNextPageToken(token)
              .build());
      assertThat(page.getOperationInfoCount()).isLessThanOrEqualTo(1);
      page.getOperationInfoList().forEach(i -> assertThat(seen.add(i.getJobId())).isTrue());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 100);
    assertThat(seen).contains(jobId);
  }

  @Test
  void duplicateJobIdAndUnknownJob() {
    String jobId = "dup-" + UUID.randomUUID();
    StartBatchOperationRequest req =
        request(jobId)
            .addExecutions(WorkflowExecution.newBuilder().setWorkflowId("nobody-" + jobId))
            .setTerminationOperation(BatchOperationTermination.getDefaultInstance())
            .build();
    sundial.blockingStub().startBatchOperation(req);
    assertThat(startFails(req).getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(awaitDone(sundial.stubs(), jobId).getCompleteOperationCount()).isEqualTo(1);

    StatusRuntimeException nf = assertThrows(StatusRuntimeException.class,
        () -> describe(sundial.stubs(), "unknown-" + UUID.randomUUID()));
    assertThat(nf.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    StatusRuntimeException stopNf = assertThrows(StatusRuntimeException.class,
        () -> sundial.blockingStub().stopBatchOperation(
            StopBatchOperationRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setJobId("unknown-" + UUID.randomUUID())
                .setReason("x")
                .build()));
    assertThat(stopNf.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void validationErrorsNameTheField() {
    var term = BatchOperationTermination.getDefaultInstance();
    StatusRuntimeException e;

    e = startFails(request("").setVisibilityQuery("WorkflowType = 'x'")
        .setTerminationOperation(term).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("JobId");

    e = startFails(request("v1").setReason("").setVisibilityQuery("WorkflowType = 'x'")
        .setTerminationOperation(term).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("Reason");

    e = startFails(request("v2").setVisibilityQuery("WorkflowType = 'x'").build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("Operation");

    e = startFails(request("v3").setTerminationOperation(term).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("Query").contains("Executions");

    e = startFails(request("v4").setVisibilityQuery("WorkflowType = 'x'")
        .addExecutions(WorkflowExecution.newBuilder().setWorkflowId("w"))
        .setTerminationOperation(term).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("mutually exclusive");

    e = startFails(request("v5").setVisibilityQuery("WorkflowType = 'x'")
        .setSignalOperation(BatchOperationSignal.getDefaultInstance()).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("signal name");

    e = startFails(request("v6").setVisibilityQuery("WorkflowType = ")
        .setTerminationOperation(term).build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    e = startFails(request("v7").setVisibilityQuery("WorkflowType = 'x'")
        .setResetOperation(BatchOperationReset.newBuilder().setResetType(ResetType.RESET_TYPE_FIRST_WORKFLOW_TASK))
        .build());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("not supported yet");

    e = assertThrows(StatusRuntimeException.class,
        () -> sundial.blockingStub().describeBatchOperation(
            DescribeBatchOperationRequest.newBuilder().setNamespace(CompatServer.NAMESPACE).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("JobId");

    e = assertThrows(StatusRuntimeException.class,
        () -> sundial.blockingStub().stopBatchOperation(
            StopBatchOperationRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .setJobId("x").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("Reason");

    // None of the rejected jobs exists.
    for (String id : List.of("v1", "v2", "v3", "v4", "v5", "v6", "v7")) {
      StatusRuntimeException nf = assertThrows(StatusRuntimeException.class,
          () -> describe(sundial.stubs(), id));
      assertThat(nf.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }

  // ---------------------------------------------------------------- durability

  @Test
  void runningJobResumesAfterRestartAndFinishedJobStaysDescribable() throws Exception {
    Path dir = Files.createTempDirectory("sundial-batch-restart");
    Path db = dir.resolve("sundial.db");
    String jobId = "restart-" + UUID.randomUUID();
    List<WorkflowExecution> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      targets.add(WorkflowExecution.newBuilder().setWorkflowId("absent-" + i).build());
    }
    try (Sundial first = Sundial.builder().dbFile(db).start()) {
      WorkflowServiceStubs stubs = first.newWorkflowServiceStubs();
      stubs.blockingStub().startBatchOperation(
          request(jobId)
              .addAllExecutions(targets)
              .setMaxOperationsPerSecond(4)
              .setTerminationOperation(BatchOperationTermination.getDefaultInstance())
              .build());
      CompatServer.await(Duration.ofSeconds(10), "some progress",
          () -> describe(stubs, jobId).getCompleteOperationCount() >= 2);
      assertThat(describe(stubs, jobId).getState())
          .isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_RUNNING);
    }
    try (Sundial second = Sundial.builder().dbFile(db).start()) {
      WorkflowServiceStubs stubs = second.newWorkflowServiceStubs();
      DescribeBatchOperationResponse done = awaitDone(stubs, jobId);
      assertThat(done.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
      assertThat(done.getTotalOperationCount()).isEqualTo(6);
      assertThat(done.getCompleteOperationCount()).isEqualTo(6);
    }
    try (Sundial third = Sundial.builder().dbFile(db).start()) {
      DescribeBatchOperationResponse done = describe(third.newWorkflowServiceStubs(), jobId);
      assertThat(done.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
      assertThat(done.getCompleteOperationCount()).isEqualTo(6);
    } finally {
      CompatServer.deleteRecursively(dir);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
