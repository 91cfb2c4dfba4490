package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "cancel",
    description = "Request cancellation of a workflow execution (the workflow decides what to do),"
        + " or of every workflow matching --query (a batch job).",
    footer = {"", "Examples:", "  sundial workflow cancel --workflow-id order-1",
        "  sundial workflow cancel --query 'WorkflowType=\"OrderProcessing\"' --reason cleanup --yes"})
public final class WorkflowCancelCommand extends ClientCommand {
  @Mixin WorkflowTarget target = new WorkflowTarget();

  @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded).")
  String reason = "";

  @Override
  protected void validate() {
    target.validate();
  }

  @Override
  protected int run(Client client, Output out) {
    if (target.isBatch()) {
      return Batches.start(this, client, out, target, reason,
          b -> b.setCancellationOperation(
              io.temporal.api.batch.v1.BatchOperationCancellation.newBuilder().setIdentity(client.identity())));
    }
    client.workflow().requestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution())
        .setIdentity(client.identity()).setReason(reason)
        .setRequestId(UUID.randomUUID().toString()).build());
    out.line("Canceled workflow");
    return 0;
  }
}
