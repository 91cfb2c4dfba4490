package dev.sundial.cli.workflow;

import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "stack", description = "Print a running workflow's stack trace (the __stack_trace query).",
    footer = {"", "Example:", "  sundial workflow stack --workflow-id order-1"})
public final class WorkflowStackCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Override
  protected int run(Client client, Output out) {
    var r = client.workflow().queryWorkflow(QueryWorkflowRequest.newBuilder()
        .setNamespace(client.namespace()).setExecution(ref.execution())
        .setQuery(WorkflowQuery.newBuilder().setQueryType("__stack_trace")).build());
    if (out.isText() && r.hasQueryResult() && r.getQueryResult().getPayloadsCount() == 1) {
      // The trace is a JSON string: print it as the lines it holds.
      String json = out.values(r.getQueryResult());
      out.line(JsonParser.parseString(json).isJsonPrimitive()
          ? JsonParser.parseString(json).getAsString() : json);
      return 0;
    }
    return WorkflowQueryCommand.print(r, out, spec);
  }
}
