package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "query", description = "Query a workflow execution (a worker must be running).",
    footer = {"", "Example:", "  sundial workflow query --workflow-id order-1 --name getStatus"})
public final class WorkflowQueryCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Option(names = {"--name", "--type"}, paramLabel = "<query>", required = true, description = "Query name.")
  String name;

  @Option(names = "--reject-condition", paramLabel = "<condition>",
      description = "NotOpen or NotCompletedCleanly: refuse to query a workflow in that state.")
  String rejectCondition;

  @Mixin PayloadInput input = new PayloadInput();

  @Override
  protected void validate() {
    input.payloads();
    request("n");
  }

  private QueryWorkflowRequest request(String namespace) {
    WorkflowQuery.Builder q = WorkflowQuery.newBuilder().setQueryType(name);
    var payloads = input.payloads();
    if (payloads != null) q.setQueryArgs(payloads);
    var b = QueryWorkflowRequest.newBuilder().setNamespace(namespace).setExecution(ref.execution())
        .setQuery(q);
    if (rejectCondition != null) {
      b.setQueryRejectCondition(Enums.parse(QueryRejectCondition.class, "QUERY_REJECT_CONDITION_",
          rejectCondition, "--reject-condition"));
    }
    return b.build();
  }

  @Override
  protected int run(Client client, Output out) {
    return print(client.workflow().queryWorkflow(request(client.namespace())), out, spec);
  }

  static int print(QueryWorkflowResponse r, Output out,
      CommandLine.Model.CommandSpec spec) {
    if (r.hasQueryRejected()) {
      spec.commandLine().getErr().println("Error: query rejected: workflow status "
          + Enums.display(r.getQueryRejected().getStatus().name(), "WORKFLOW_EXECUTION_STATUS_"));
      return FAILED;
    }
    String value = r.hasQueryResult() ? out.values(r.getQueryResult()) : "null";
    if (out.isText()) {
      out.line("Query result:");
      var card = Output.fields();
      card.put("QueryResult", value);
      out.card(card);
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.add("queryResult", JsonParser.parseString(value));
      out.printJson(o);
    }
    return 0;
  }
}
