package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "signal-with-start",
    description = "Signal a workflow, starting it first if it is not running.",
    footer = {"", "Example:", "  sundial workflow signal-with-start -w cart-7 --type Cart -t carts"
        + " --signal-name addItem --signal-input '{\"sku\": \"A1\"}'"})
public final class WorkflowSignalWithStartCommand extends ClientCommand {
  @Mixin StartOptions start = new StartOptions();
  @Mixin StartOnlyOptions only = new StartOnlyOptions();

  @Option(names = "--signal-name", paramLabel = "<name>", required = true, description = "Signal name.")
  String signalName;

  @Option(names = "--signal-input", paramLabel = "<json>", description = "A signal argument as JSON; repeatable.")
  List<String> signalInput = new ArrayList<>();

  @Option(names = "--signal-input-file", paramLabel = "<file>", description = "A file with a signal argument; repeatable.")
  List<String> signalInputFile = new ArrayList<>();

  @Option(names = "--signal-input-meta", paramLabel = "<key=value>", description = "Metadata of every signal payload.")
  List<String> signalInputMeta = new ArrayList<>();

  @Option(names = "--signal-input-base64", description = "Signal inputs are base64 bytes, not JSON.")
  boolean signalInputBase64;

  private SignalWithStartWorkflowExecutionRequest request(String namespace, String identity) {
    StartWorkflowExecutionRequest s = only.apply(start.request(namespace, identity)).build();
    var b = SignalWithStartWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace).setWorkflowId(s.getWorkflowId()).setWorkflowType(s.getWorkflowType())
        .setTaskQueue(s.getTaskQueue()).setWorkflowTaskTimeout(s.getWorkflowTaskTimeout())
        .setIdentity(identity).setRequestId(s.getRequestId()).setSignalName(signalName)
        .setWorkflowIdReusePolicy(s.getWorkflowIdReusePolicy())
        .setWorkflowIdConflictPolicy(s.getWorkflowIdConflictPolicy())
        .setCronSchedule(s.getCronSchedule());
    if (s.hasInput()) b.setInput(s.getInput());
    if (s.hasWorkflowRunTimeout()) b.setWorkflowRunTimeout(s.getWorkflowRunTimeout());
    if (s.hasWorkflowExecutionTimeout()) b.setWorkflowExecutionTimeout(s.getWorkflowExecutionTimeout());
    if (s.hasWorkflowStartDelay()) b.setWorkflowStartDelay(s.getWorkflowStartDelay());
    if (s.hasMemo()) b.setMemo(s.getMemo());
    if (s.hasSearchAttributes()) b.setSearchAttributes(s.getSearchAttributes());
    var signal = PayloadInput.build(signalInput, signalInputFile, signalInputMeta, signalInputBase64,
        "--signal-input");
    if (signal != null) b.setSignalInput(signal);
    return b.build();
  }

  @Override
  protected void validate() {
    request("n", "i");
  }

  @Override
  protected int run(Client client, Output out) {
    var request = request(client.namespace(), client.identity());
    var r = client.workflow().signalWithStartWorkflowExecution(request);
    if (out.isText()) {
      var card = Output.fields();
      card.put("WorkflowId", request.getWorkflowId());
      card.put("RunId", r.getRunId());
      card.put("Type", request.getWorkflowType().getName());
      card.put("Namespace", client.namespace());
      card.put("Started", r.getStarted());
      out.card(card);
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.addProperty("workflowId", request.getWorkflowId());
      o.addProperty("runId", r.getRunId());
      o.addProperty("started", r.getStarted());
      out.printJson(o);
    }
    return 0;
  }
}
