package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import io.temporal.api.batch.v1.BatchOperationCancellation;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.util.UUID;
import picocli.CommandLine.Command;

@Command(name = "cancel",
    description = "Request cancellation of a workflow execution (the workflow decides what to do),"
        + " or of every workflow matching --query (a batch job).",
    footer = {"", "Examples:", "  sundial workflow cancel --workflow-id order-1",
        "  sundial workflow cancel --query 'WorkflowType=\"OrderProcessing\"' --reason cleanup --yes"})
public final class WorkflowCancelCommand extends OneOrBatchCommand {
  @Override
  void one(Client client) {
    client.workflow().requestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution())
        .setIdentity(client.identity()).setReason(reason)
        .setRequestId(UUID.randomUUID().toString()).build());
  }

  @Override
  void batch(Client client, StartBatchOperationRequest.Builder b) {
    b.setCancellationOperation(BatchOperationCancellation.newBuilder().setIdentity(client.identity()));
  }

  @Override
  String done() {
    return "Canceled workflow";
  }
}
