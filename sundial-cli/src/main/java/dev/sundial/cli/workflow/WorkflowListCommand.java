package dev.sundial.cli.workflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List workflow executions, newest first, optionally matching a query.",
    footer = {"", "Example:", "  sundial workflow list --query 'WorkflowType=\"OrderProcessing\" AND"
        + " ExecutionStatus=\"Running\"' --limit 20"})
public final class WorkflowListCommand extends ClientCommand {
  @Option(names = {"-q", "--query"}, paramLabel = "<query>", description = "List filter (visibility query).")
  String query = "";

  @Option(names = "--limit", paramLabel = "<n>", description = "At most this many. Default: all.")
  Integer limit;

  @Option(names = "--page-size", paramLabel = "<n>", description = "Rows fetched per call. Default: 100.")
  int pageSize = 100;

  @Override
  protected void validate() {
    if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be at least 1");
    if (pageSize < 1 || pageSize > 1000) {
      throw new IllegalArgumentException("--page-size must be between 1 and 1000");
    }
  }

  @Override
  protected int run(Client client, Output out) {
    List<WorkflowExecutionInfo> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      int want = limit == null ? pageSize : Math.min(pageSize, limit - all.size());
      var r = client.workflow().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
          .setNamespace(client.namespace()).setQuery(query).setPageSize(want)
          .setNextPageToken(token).build());
      for (WorkflowExecutionInfo i : r.getExecutionsList()) {
        if (limit != null && all.size() >= limit) break;
        all.add(i);
      }
      token = r.getNextPageToken();
    } while (!token.isEmpty() && (limit == null || all.size() < limit));
    if (out.isText()) {
      List<List<String>> rows = new ArrayList<>();
      for (WorkflowExecutionInfo i : all) {
        rows.add(List.of(Enums.display(i.getStatus().name(), "WORKFLOW_EXECUTION_STATUS_"),
            i.getExecution().getWorkflowId(), i.getType().getName(), out.time(i.getStartTime())));
      }
      out.table(List.of("Status", "WorkflowId", "Type", "StartTime"), rows);
    } else if (out.isJson()) {
      JsonArray array = new JsonArray();
      for (WorkflowExecutionInfo i : all) {
        array.add(JsonParser.parseString(out.payloads(i)));
      }
      out.printList(array);
    }
    return 0;
  }
}
