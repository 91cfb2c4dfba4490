package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "terminate",
    description = "Terminate a workflow execution at once (no cleanup code runs), or every"
        + " workflow matching --query (a batch job).",
    footer = {"", "Examples:", "  sundial workflow terminate --workflow-id order-1 --reason 'bad input'",
        "  sundial workflow terminate --query 'ExecutionStatus=\"Running\"' --yes"})
public final class WorkflowTerminateCommand extends ClientCommand {
  @Mixin WorkflowTarget target = new WorkflowTarget();

  @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded in the history).")
  String reason = "";

  @Override
  protected void validate() {
    target.validate();
  }

  @Override
  protected int run(Client client, Output out) {
    if (target.isBatch()) {
      return Batches.start(this, client, out, target, reason,
          b -> b.setTerminationOperation(
              io.temporal.api.batch.v1.BatchOperationTermination.newBuilder().setIdentity(client.identity())));
    }
    client.workflow().terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setWorkflowExecution(target.execution())
        .setReason(reason).setIdentity(client.identity()).build());
    out.line("Terminated workflow");
    return 0;
  }
}
