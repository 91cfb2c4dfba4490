package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "count", description = "Count workflow executions matching a query (GROUP BY ExecutionStatus too).",
    footer = {"", "Example:", "  sundial workflow count --query 'GROUP BY ExecutionStatus'"})
public final class WorkflowCountCommand extends ClientCommand {
  @Option(names = {"-q", "--query"}, paramLabel = "<query>", description = "Filter (visibility query).")
  String query = "";

  @Override
  protected int run(Client client, Output out) {
    var r = client.workflow().countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
        .setNamespace(client.namespace()).setQuery(query).build());
    if (!out.isText()) {
      out.json(r);
      return 0;
    }
    out.counted(r.getCount(), r.getGroupsList().stream()
        .map(g -> new Output.Group(g.getGroupValuesList(), g.getCount())).toList());
    return 0;
  }
}
