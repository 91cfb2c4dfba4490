package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "signal", description = "Send a signal to a workflow execution.",
    footer = {"", "Example:", "  sundial workflow signal --workflow-id order-1 --name updateData"
        + " --input '{\"data\": \"new\"}'"})
public final class WorkflowSignalCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Option(names = "--name", paramLabel = "<signal>", required = true, description = "Signal name.")
  String name;

  @Mixin PayloadInput input = new PayloadInput();

  @Override
  protected void validate() {
    input.payloads();
  }

  @Override
  protected int run(Client client, Output out) {
    var b = SignalWorkflowExecutionRequest.newBuilder().setNamespace(client.namespace())
        .setWorkflowExecution(ref.execution()).setSignalName(name).setIdentity(client.identity())
        .setRequestId(UUID.randomUUID().toString());
    var payloads = input.payloads();
    if (payloads != null) b.setInput(payloads);
    client.workflow().signalWorkflowExecution(b.build());
    out.line("Signal workflow succeeded");
    return 0;
  }
}
