package dev.sundial.cli.workflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.ListOptions;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", description = "List workflow executions, newest first, optionally matching a query.",
    footer = {"", "Example:", "  sundial workflow list --query 'WorkflowType=\"OrderProcessing\" AND"
        + " ExecutionStatus=\"Running\"' --limit 20"})
public final class WorkflowListCommand extends ClientCommand {
  @Mixin ListOptions list = new ListOptions();

  @Override
  protected void validate() {
    list.validate();
  }

  @Override
  protected int run(Client client, Output out) {
    List<WorkflowExecutionInfo> all = list.collect((size, token) -> {
      var r = client.workflow().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
          .setNamespace(client.namespace()).setQuery(list.query).setPageSize(size)
          .setNextPageToken(token).build());
      return new ListOptions.Page<>(r.getExecutionsList(), r.getNextPageToken());
    });
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
