package dev.sundial.compat;

import static dev.sundial.compat.CancellationTest.last;
import static dev.sundial.compat.CancellationTest.resultOf;
import static dev.sundial.compat.CancellationTest.startWorker;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sundial.compat.CancellationTest.SleepyWorkflow;
import dev.sundial.compat.CancellationTest.SleepyWorkflowImpl;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.TerminatedFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TerminateWorkflowExecution (reason, details, identity in history) and DeleteWorkflowExecution of
 * closed and running workflows.
 */
class TerminateAndDeleteTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ---------------------------------------------------------------- terminate and delete

  @Test
  void terminateWithReasonAndDetails() {
    startWorker(sundial, SleepyWorkflowImpl.class);
    String id = sundial.newWorkflowId("terminate");
    SleepyWorkflow wf = sundial.newWorkflowStub(SleepyWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run).getRunId();

    WorkflowStub.fromTyped(wf).terminate("enough is enough", "detail-1", 42);

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> resultOf(WorkflowStub.fromTyped(wf)));
    assertThat(e.getCause()).isInstanceOf(TerminatedFailure.class);
    assertThat(e.getCause().getMessage()).contains("enough is enough");

    List<HistoryEvent> history = sundial.history(id, runId);
    HistoryEvent terminated = last(history);
    assertThat(terminated.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    var attrs = terminated.getWorkflowExecutionTerminatedEventAttributes();
    assertThat(attrs.getReason()).isEqualTo("enough is enough");
    assertThat(attrs.getIdentity()).isNotEmpty();
    assertThat(attrs.getDetails().getPayloadsCount()).isEqualTo(2);
    var converter = DefaultDataConverter.STANDARD_INSTANCE;
    assertThat(
            converter.fromPayloads(
                0, Optional.of(attrs.getDetails()), String.class, String.class))
        .isEqualTo("detail-1");
    assertThat(
            converter.fromPayloads(
                1, Optional.of(attrs.getDetails()), Integer.class, Integer.class))
        .isEqualTo(42);
    assertThat(sundial.describe(id, runId).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  @Test
  void deleteWorkflowExecutionRemovesClosedAndRunningWorkflows() {
    startWorker(sundial, SleepyWorkflowImpl.class);

    // A closed workflow.
    String closedId = sundial.newWorkflowId("delete-closed");
    SleepyWorkflow closed = sundial.newWorkflowStub(SleepyWorkflow.class, closedId);
    String closedRun = WorkflowClient.start(closed::run).getRunId();
    WorkflowStub.fromTyped(closed).terminate("closing");
    // A running one (Temporal terminates it first).
    String runningId = sundial.newWorkflowId("delete-running");
    SleepyWorkflow running = sundial.newWorkflowStub(SleepyWorkflow.class, runningId);
    String runningRun = WorkflowClient.start(running::run).getRunId();

    for (String[] target :
        new String[][] {{closedId, closedRun}, {runningId, runningRun}}) {
      String id = target[0];
      String run = target[1];
      sundial
          .blockingStub()
          .deleteWorkflowExecution(
              DeleteWorkflowExecutionRequest.newBuilder()
                  .setNamespace(CompatServer.NAMESPACE)
                  .setWorkflowExecution(CompatServer.execution(id, run))
                  .build());
      // Deletion may be asynchronous in Temporal: wait for it.
      CompatServer.await(
          Duration.ofSeconds(30),
          "describe of deleted " + id + " to answer NOT_FOUND",
          () -> {
            try {
              sundial.describe(id, run);
              return false;
            } catch (StatusRuntimeException e) {
              assertThat(e.getStatus().getCode())
                  .as("%s", e.getStatus())
                  .isEqualTo(Status.Code.NOT_FOUND);
              return true;
            }
          });
      StatusRuntimeException byId = CompatServer.expectStatus(() -> sundial.describe(id, null));
      assertThat(byId.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      StatusRuntimeException history =
          CompatServer.expectStatus(
              () ->
                  sundial
                      .blockingStub()
                      .getWorkflowExecutionHistory(
                          GetWorkflowExecutionHistoryRequest.newBuilder()
                              .setNamespace(CompatServer.NAMESPACE)
                              .setExecution(CompatServer.execution(id, run))
                              .build()));
      assertThat(history.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    // Deleting something that does not exist is NOT_FOUND.
    StatusRuntimeException missing =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .deleteWorkflowExecution(
                        DeleteWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowExecution(
                                CompatServer.execution(sundial.newWorkflowId("never"), null))
                            .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    // The id can be used again.
    SleepyWorkflow again = sundial.newWorkflowStub(SleepyWorkflow.class, runningId);
    String newRun = WorkflowClient.start(again::run).getRunId();
    assertThat(newRun).isNotEqualTo(runningRun);
    WorkflowStub.fromTyped(again).terminate("cleanup");
  }
}
