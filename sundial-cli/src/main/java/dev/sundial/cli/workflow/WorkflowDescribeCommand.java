package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "describe", description = "Show a workflow execution's state and pending work.",
    footer = {"", "Example:", "  sundial workflow describe --workflow-id order-1 -o json"})
public final class WorkflowDescribeCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Override
  protected int run(Client client, Output out) {
    var r = client.workflow().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setExecution(ref.execution()).build());
    if (!out.isText()) {
      out.json(r);
      return 0;
    }
    var i = r.getWorkflowExecutionInfo();
    out.line("Execution Info:");
    var card = Output.fields();
    card.put("WorkflowId", i.getExecution().getWorkflowId());
    card.put("RunId", i.getExecution().getRunId());
    card.put("Type", i.getType().getName());
    card.put("Namespace", client.namespace());
    card.put("TaskQueue", i.getTaskQueue());
    card.put("StartTime", out.time(i.getStartTime()));
    card.put("CloseTime", i.hasCloseTime() ? out.time(i.getCloseTime()) : null);
    card.put("Status", Enums.display(i.getStatus().name(), "WORKFLOW_EXECUTION_STATUS_"));
    card.put("HistoryLength", i.getHistoryLength());
    card.put("HistorySize", i.getHistorySizeBytes());
    if (i.hasParentExecution()) {
      card.put("ParentWorkflowId", i.getParentExecution().getWorkflowId());
    }
    if (r.hasExecutionConfig() && r.getExecutionConfig().hasWorkflowExecutionTimeout()) {
      card.put("ExecutionTimeout", Output.duration(r.getExecutionConfig().getWorkflowExecutionTimeout()));
    }
    out.card(card);
    out.line("");
    out.line("Pending Activities: " + r.getPendingActivitiesCount());
    for (var a : r.getPendingActivitiesList()) {
      var ac = Output.fields();
      ac.put("ActivityId", a.getActivityId());
      ac.put("Type", a.getActivityType().getName());
      ac.put("State", Enums.display(a.getState().name(), "PENDING_ACTIVITY_STATE_"));
      ac.put("Attempt", a.getAttempt());
      ac.put("LastFailure", a.hasLastFailure() ? a.getLastFailure().getMessage() : null);
      out.card(ac);
    }
    out.line("Pending Child Workflows: " + r.getPendingChildrenCount());
    for (var c : r.getPendingChildrenList()) {
      var cc = Output.fields();
      cc.put("WorkflowId", c.getWorkflowId());
      cc.put("RunId", c.getRunId());
      cc.put("Type", c.getWorkflowTypeName());
      out.card(cc);
    }
    return 0;
  }
}
