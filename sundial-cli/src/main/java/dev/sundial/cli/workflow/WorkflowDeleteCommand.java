package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete",
    description = "Delete a workflow execution and its history (a running one is terminated"
        + " first), or every workflow matching --query (a batch job).",
    footer = {"", "Example:", "  sundial workflow delete --workflow-id order-1"})
public final class WorkflowDeleteCommand extends ClientCommand {
  @Mixin WorkflowTarget target = new WorkflowTarget();

  @Option(names = "--reason", paramLabel = "<text>", description = "Why (batch jobs).")
  String reason = "";

  @Override
  protected void validate() {
    target.validate();
  }

  @Override
  protected int run(Client client, Output out) {
    if (target.isBatch()) {
      return Batches.start(this, client, out, target, reason,
          b -> b.setDeletionOperation(
              io.temporal.api.batch.v1.BatchOperationDeletion.newBuilder().setIdentity(client.identity())));
    }
    client.workflow().deleteWorkflowExecution(DeleteWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution()).build());
    out.line("Delete workflow succeeded");
    return 0;
  }
}
