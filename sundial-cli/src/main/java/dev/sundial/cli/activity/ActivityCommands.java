package dev.sundial.cli.activity;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedByIdRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskFailedByIdRequest;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionRequest;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code activity ...} (as {@code temporal activity}): standalone activities (start, execute,
 * describe, list, count, result, cancel, terminate, delete), and completing or failing a pending
 * activity, of a workflow or standalone, from outside its worker.
 */
@Command(name = "activity",
    description = "Run and manage standalone activities; complete or fail a pending activity.",
    subcommands = {ActivityRunCommands.Start.class, ActivityRunCommands.Execute.class,
        ActivityViewCommands.Describe.class, ActivityViewCommands.ListAll.class,
        ActivityViewCommands.Count.class, ActivityRunCommands.Result.class,
        ActivityCommands.Cancel.class, ActivityCommands.Terminate.class,
        ActivityCommands.Delete.class, ActivityCommands.Complete.class, ActivityCommands.Fail.class})
public final class ActivityCommands extends GroupCommand {

  /** A pending activity of a workflow (-w) or, without -w, a standalone one. */
  abstract static class OneActivity extends ClientCommand {
    @Option(names = {"-a", "--activity-id"}, paramLabel = "<id>", required = true, description = "Activity id.")
    String activityId;

    @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>",
        description = "Workflow id of a workflow's activity; omit for a standalone activity.")
    String workflowId = "";

    @Option(names = {"-r", "--run-id"}, paramLabel = "<id>",
        description = "The workflow's run id (with -w) or the activity's. Default: the latest run.")
    String runId = "";
  }

  @Command(name = "cancel", description = "Request cancellation of a standalone activity.",
      footer = {"", "Example:", "  sundial activity cancel --activity-id resize-1 --reason 'not needed'"})
  public static final class Cancel extends ClientCommand {
    @Mixin ActivityRef ref = new ActivityRef();

    @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded).")
    String reason = "";

    @Override
    protected int run(Client client, Output out) {
      client.workflow().requestCancelActivityExecution(RequestCancelActivityExecutionRequest.newBuilder()
          .setNamespace(client.namespace()).setActivityId(ref.activityId).setRunId(ref.runId)
          .setReason(reason).setIdentity(client.identity())
          .setRequestId(UUID.randomUUID().toString()).build());
      out.line("Cancellation requested");
      return 0;
    }
  }

  @Command(name = "terminate",
      description = "Terminate a standalone activity at once (its worker is not told).",
      footer = {"", "Example:", "  sundial activity terminate --activity-id resize-1 --reason 'bad input'"})
  public static final class Terminate extends ClientCommand {
    @Mixin ActivityRef ref = new ActivityRef();

    @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded).")
    String reason;

    @Override
    protected int run(Client client, Output out) {
      client.workflow().terminateActivityExecution(TerminateActivityExecutionRequest.newBuilder()
          .setNamespace(client.namespace()).setActivityId(ref.activityId).setRunId(ref.runId)
          .setReason(reason != null ? reason : "Requested by " + client.identity())
          .setIdentity(client.identity()).build());
      out.line("Activity terminated");
      return 0;
    }
  }

  @Command(name = "delete",
      description = "Delete a standalone activity and its history (terminated first if running).",
      footer = {"", "Example:", "  sundial activity delete --activity-id resize-1"})
  public static final class Delete extends ClientCommand {
    @Mixin ActivityRef ref = new ActivityRef();

    @Override
    protected int run(Client client, Output out) {
      client.workflow().deleteActivityExecution(DeleteActivityExecutionRequest.newBuilder()
          .setNamespace(client.namespace()).setActivityId(ref.activityId).setRunId(ref.runId)
          .build());
      out.line("Activity deleted");
      return 0;
    }
  }

  @Command(name = "complete", description = "Complete a pending activity with a result.",
      footer = {"", "Examples:", "  sundial activity complete -w order-1 -a approve --result '{\"approved\": true}'",
          "  sundial activity complete -a resize-1 --result '\"done\"'"})
  public static final class Complete extends OneActivity {
    @Option(names = "--result", paramLabel = "<json>", required = true, description = "The activity's result as JSON.")
    String result;

    private Payloads payloads() {
      return Payloads.newBuilder().addPayloads(
          PayloadInput.payload(result, Map.of("encoding", "json/plain"), false, "--result")).build();
    }

    @Override
    protected void validate() {
      payloads();
    }

    @Override
    protected int run(Client client, Output out) {
      client.workflow().respondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest.newBuilder()
          .setNamespace(client.namespace()).setWorkflowId(workflowId).setRunId(runId)
          .setActivityId(activityId).setResult(payloads()).setIdentity(client.identity()).build());
      out.line("Activity completed");
      return 0;
    }
  }

  @Command(name = "fail", description = "Fail a pending activity (non-retryable, as temporal's CLI does).",
      footer = {"", "Example:", "  sundial activity fail -w order-1 -a approve --reason 'rejected by ops'"})
  public static final class Fail extends OneActivity {
    @Option(names = "--reason", paramLabel = "<text>", description = "The failure's message.")
    String reason = "";

    @Option(names = "--detail", paramLabel = "<json>", description = "Failure details as JSON.")
    String detail;

    private Failure failure() {
      // As temporal's CLI: a non-retryable application failure from the source "CLI".
      ApplicationFailureInfo.Builder info = ApplicationFailureInfo.newBuilder().setNonRetryable(true);
      if (detail != null) {
        info.setDetails(Payloads.newBuilder().addPayloads(
            PayloadInput.payload(detail, Map.of("encoding", "json/plain"), false, "--detail")));
      }
      return Failure.newBuilder().setMessage(reason).setSource("CLI")
          .setApplicationFailureInfo(info).build();
    }

    @Override
    protected void validate() {
      failure();
    }

    @Override
    protected int run(Client client, Output out) {
      client.workflow().respondActivityTaskFailedById(RespondActivityTaskFailedByIdRequest.newBuilder()
          .setNamespace(client.namespace()).setWorkflowId(workflowId).setRunId(runId)
          .setActivityId(activityId).setFailure(failure()).setIdentity(client.identity()).build());
      out.line("Activity failed");
      return 0;
    }
  }
}
