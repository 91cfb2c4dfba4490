package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Terminate and cancel with a first-execution run id act on the current run of the chain that run
 * started, as Temporal does (the run id is then ignored): a client holding the first run's id
 * still reaches the workflow after it continued as new; a first-execution run id of another
 * chain is NOT_FOUND.
 */
class FirstExecutionRunIdTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Chain {
    @WorkflowMethod
    void run(int generation);
  }

  public static class ChainImpl implements Chain {
    @Override
    public void run(int generation) {
      if (generation == 0) {
        Workflow.continueAsNew(1);
      }
      Workflow.await(() -> false);
    }
  }

  /** Starts a chain and waits until its first run continued as new; returns the first run id. */
  private static String chainContinuedAsNew(String id) {
    Chain chain = sundial.newWorkflowStub(Chain.class, id);
    String firstRun = WorkflowClient.start(chain::run, 0).getRunId();
    CompatServer.await(Duration.ofSeconds(10), "the first run continued as new",
        () -> !sundial.describe(id, "").getWorkflowExecutionInfo().getExecution().getRunId()
            .equals(firstRun));
    return firstRun;
  }

  @Test
  void terminateReachesTheCurrentRunOfTheChain() {
    sundial.worker().registerWorkflowImplementationTypes(ChainImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("first-run-terminate");
    String firstRun = chainContinuedAsNew(id);

    var other = CompatServer.expectStatus(() -> sundial.blockingStub().terminateWorkflowExecution(
        TerminateWorkflowExecutionRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
            .setWorkflowExecution(CompatServer.execution(id, firstRun))
            .setFirstExecutionRunId(UUID.randomUUID().toString()).setReason("no").build()));
    assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    sundial.blockingStub().terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE).setWorkflowExecution(CompatServer.execution(id, firstRun))
        .setFirstExecutionRunId(firstRun).setReason("by the chain's first run").build());
    var current = sundial.describe(id, "").getWorkflowExecutionInfo();
    assertThat(current.getExecution().getRunId()).isNotEqualTo(firstRun);
    assertThat(current.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(current.getFirstRunId()).isEqualTo(firstRun);
  }

  @Test
  void cancelReachesTheCurrentRunOfTheChain() {
    sundial.worker().registerWorkflowImplementationTypes(ChainImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("first-run-cancel");
    String firstRun = chainContinuedAsNew(id);

    sundial.blockingStub().requestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest
        .newBuilder().setNamespace(CompatServer.NAMESPACE)
        .setWorkflowExecution(CompatServer.execution(id, firstRun)).setFirstExecutionRunId(firstRun)
        .setRequestId(UUID.randomUUID().toString()).setReason("by the chain's first run").build());
    // The workflow's await is cancelled: the run ends CANCELED.
    CompatServer.await(Duration.ofSeconds(10), "the current run canceled",
        () -> sundial.describe(id, "").getWorkflowExecutionInfo().getStatus()
            == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
  }
}
