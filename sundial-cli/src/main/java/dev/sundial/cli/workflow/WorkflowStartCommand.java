package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "start", description = "Start a workflow execution and print its ids.",
    footer = {"", "Example:", "  sundial workflow start --type OrderProcessing --task-queue orders"
        + " --workflow-id order-1 --input '{\"data\": \"value\"}'"})
public final class WorkflowStartCommand extends ClientCommand {
  @Mixin StartOptions start = new StartOptions();
  @Mixin StartOnlyOptions only = new StartOnlyOptions();

  @Override
  protected void validate() {
    only.apply(start.request("n", "i")); // every flag checked before connecting
  }

  @Override
  protected int run(Client client, Output out) {
    StartWorkflowExecutionRequest request =
        only.apply(start.request(client.namespace(), client.identity())).build();
    String runId = client.workflow().startWorkflowExecution(request).getRunId();
    print(out, client, request, runId);
    return 0;
  }

  static void print(Output out, Client client, StartWorkflowExecutionRequest request, String runId) {
    if (out.isText()) {
      out.line("Running execution:");
      var card = Output.fields();
      card.put("WorkflowId", request.getWorkflowId());
      card.put("RunId", runId);
      card.put("Type", request.getWorkflowType().getName());
      card.put("Namespace", client.namespace());
      card.put("TaskQueue", request.getTaskQueue().getName());
      if (request.hasInput()) card.put("Args", out.values(request.getInput()));
      out.card(card);
    } else if (out.isJson()) {
      out.printJson(started(client, request, runId));
    }
  }

  static JsonObject started(Client client, StartWorkflowExecutionRequest request, String runId) {
    JsonObject o = new JsonObject();
    o.addProperty("workflowId", request.getWorkflowId());
    o.addProperty("runId", runId);
    o.addProperty("type", request.getWorkflowType().getName());
    o.addProperty("namespace", client.namespace());
    o.addProperty("taskQueue", request.getTaskQueue().getName());
    return o;
  }
}
