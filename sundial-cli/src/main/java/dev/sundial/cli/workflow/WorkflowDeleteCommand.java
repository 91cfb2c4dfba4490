package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import io.temporal.api.batch.v1.BatchOperationDeletion;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import picocli.CommandLine.Command;

@Command(name = "delete",
    description = "Delete a workflow execution and its history (a running one is terminated"
        + " first), or every workflow matching --query (a batch job).",
    footer = {"", "Example:", "  sundial workflow delete --workflow-id order-1"})
public final class WorkflowDeleteCommand extends OneOrBatchCommand {
  @Override
  void one(Client client) {
    client.workflow().deleteWorkflowExecution(DeleteWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution()).build());
  }

  @Override
  void batch(Client client, StartBatchOperationRequest.Builder b) {
    b.setDeletionOperation(BatchOperationDeletion.newBuilder().setIdentity(client.identity()));
  }

  @Override
  String done() {
    return "Delete workflow succeeded";
  }
}
