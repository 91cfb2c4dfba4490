package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.batch.v1.BatchOperationSignal;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "signal",
    description = "Send a signal to a workflow execution, or to every workflow matching --query (a batch job).",
    footer = {"", "Examples:", "  sundial workflow signal --workflow-id order-1 --name updateData"
        + " --input '{\"data\": \"new\"}'",
        "  sundial workflow signal --query 'WorkflowType=\"OrderProcessing\"' --name pause --yes"})
public final class WorkflowSignalCommand extends OneOrBatchCommand {
  @Option(names = "--name", paramLabel = "<signal>", required = true, description = "Signal name.")
  String name;

  @Mixin PayloadInput input = new PayloadInput();

  @Override
  protected void validate() {
    super.validate();
    input.payloads();
  }

  @Override
  void one(Client client) {
    var b = SignalWorkflowExecutionRequest.newBuilder().setNamespace(client.namespace())
        .setWorkflowExecution(target.execution()).setSignalName(name).setIdentity(client.identity())
        .setRequestId(UUID.randomUUID().toString());
    var payloads = input.payloads();
    if (payloads != null) b.setInput(payloads);
    client.workflow().signalWorkflowExecution(b.build());
  }

  @Override
  void batch(Client client, StartBatchOperationRequest.Builder b) {
    var op = BatchOperationSignal.newBuilder().setSignal(name).setIdentity(client.identity());
    var payloads = input.payloads();
    if (payloads != null) op.setInput(payloads);
    b.setSignalOperation(op);
  }

  @Override
  String done() {
    return "Signal workflow succeeded";
  }
}
