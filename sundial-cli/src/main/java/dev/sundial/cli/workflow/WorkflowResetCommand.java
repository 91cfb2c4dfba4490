package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.ResetReapplyType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reset",
    description = "Reset a workflow to a workflow task: a new run replays the history up to that"
        + " point and continues from there; the current run is terminated.",
    footer = {"", "Examples:", "  sundial workflow reset -w order-1 --event-id 4 --reason 'fixed bug'",
        "  sundial workflow reset -w order-1 --type LastWorkflowTask --reason retry"})
public final class WorkflowResetCommand extends ClientCommand {
  /** --type values, as temporal's CLI names them. */
  enum ResetType { FirstWorkflowTask, LastWorkflowTask, LastContinuedAsNew }

  @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", required = true, description = "Workflow id.")
  String workflowId;

  @Option(names = {"-r", "--run-id"}, paramLabel = "<id>", description = "Run id. Default: the latest run.")
  String runId;

  @Option(names = {"-e", "--event-id"}, paramLabel = "<id>",
      description = "The WorkflowTaskCompleted (or Started/Failed/TimedOut) event to reset to.")
  Long eventId;

  @Option(names = {"-t", "--type"}, paramLabel = "<type>",
      description = "FirstWorkflowTask, LastWorkflowTask or LastContinuedAsNew (instead of --event-id).")
  String type;

  @Option(names = "--reason", paramLabel = "<text>", required = true, description = "Why (recorded).")
  String reason;

  @Option(names = "--reapply-type", paramLabel = "<type>",
      description = "All, Signal or None: which events after the point the new run gets again. Default: All.")
  String reapplyType;

  @Option(names = "--reapply-exclude", paramLabel = "<type>",
      description = "Signal or Update: events not to reapply; repeatable.")
  List<String> reapplyExclude = new ArrayList<>();

  private ResetType resetType() {
    if ((eventId == null) == (type == null)) {
      throw new IllegalArgumentException("give either --event-id or --type");
    }
    if (type == null) return null;
    for (ResetType t : ResetType.values()) {
      if (t.name().equalsIgnoreCase(type)) return t;
    }
    throw new IllegalArgumentException("--type must be FirstWorkflowTask, LastWorkflowTask or"
        + " LastContinuedAsNew but was '" + type + "'");
  }

  private void options(ResetWorkflowExecutionRequest.Builder b) {
    if (reapplyType != null) {
      String v = reapplyType.equalsIgnoreCase("All") ? "AllEligible" : reapplyType;
      b.setResetReapplyType(Enums.parse(ResetReapplyType.class, "RESET_REAPPLY_TYPE_", v, "--reapply-type"));
    }
    for (String x : reapplyExclude) {
      b.addResetReapplyExcludeTypes(Enums.parse(ResetReapplyExcludeType.class,
          "RESET_REAPPLY_EXCLUDE_TYPE_", x, "--reapply-exclude"));
    }
  }

  @Override
  protected void validate() {
    resetType();
    options(ResetWorkflowExecutionRequest.newBuilder());
    if (eventId != null && eventId < 1) throw new IllegalArgumentException("--event-id must be positive");
  }

  @Override
  protected int run(Client client, Output out) {
    WorkflowExecution base = WorkflowExecution.newBuilder().setWorkflowId(workflowId)
        .setRunId(runId != null ? runId : currentRun(client)).build();
    long target;
    ResetType t = resetType();
    if (t == ResetType.LastContinuedAsNew) {
      // The run this one continued from, at its last completed workflow task.
      HistoryEvent first = Histories.all(client, base).get(0);
      String previous = first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
      if (previous.isEmpty()) {
        spec.commandLine().getErr().println("Error: run " + base.getRunId() + " did not continue from another run");
        return FAILED;
      }
      base = base.toBuilder().setRunId(previous).build();
      target = workflowTaskCompleted(client, base, false);
    } else if (t != null) {
      target = workflowTaskCompleted(client, base, t == ResetType.FirstWorkflowTask);
    } else {
      target = eventId;
    }
    if (target < 0) {
      spec.commandLine().getErr().println("Error: the run has no completed workflow task to reset to");
      return FAILED;
    }
    var b = ResetWorkflowExecutionRequest.newBuilder().setNamespace(client.namespace())
        .setWorkflowExecution(base).setReason(reason).setWorkflowTaskFinishEventId(target)
        .setRequestId(UUID.randomUUID().toString());
    options(b);
    String newRun = client.workflow().resetWorkflowExecution(b.build()).getRunId();
    if (out.isText()) {
      out.line("Reset workflow " + workflowId + " to event " + target + ": new run " + newRun);
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.addProperty("workflowId", workflowId);
      o.addProperty("runId", newRun);
      o.addProperty("eventId", target);
      out.printJson(o);
    }
    return 0;
  }

  private String currentRun(Client client) {
    return client.workflow().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .build()).getWorkflowExecutionInfo().getExecution().getRunId();
  }

  /** The first or last WorkflowTaskCompleted event's id; -1 when there is none. */
  private static long workflowTaskCompleted(Client client, WorkflowExecution run, boolean first) {
    long found = -1;
    for (HistoryEvent e : Histories.all(client, run)) {
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        found = e.getEventId();
        if (first) return found;
      }
    }
    return found;
  }
}
