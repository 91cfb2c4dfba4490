package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import io.temporal.api.batch.v1.BatchOperationTermination;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import picocli.CommandLine.Command;

@Command(name = "terminate",
    description = "Terminate a workflow execution at once (no cleanup code runs), or every"
        + " workflow matching --query (a batch job).",
    footer = {"", "Examples:", "  sundial workflow terminate --workflow-id order-1 --reason 'bad input'",
        "  sundial workflow terminate --query 'ExecutionStatus=\"Running\"' --yes"})
public final class WorkflowTerminateCommand extends OneOrBatchCommand {
  @Override
  void one(Client client) {
    client.workflow().terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution())
        .setReason(reason).setIdentity(client.identity()).build());
  }

  @Override
  void batch(Client client, StartBatchOperationRequest.Builder b) {
    b.setTerminationOperation(BatchOperationTermination.newBuilder().setIdentity(client.identity()));
  }

  @Override
  String done() {
    return "Terminated workflow";
  }
}
