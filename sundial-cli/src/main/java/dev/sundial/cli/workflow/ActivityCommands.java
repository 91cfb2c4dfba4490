package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedByIdRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskFailedByIdRequest;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code activity complete|fail}: finish a pending activity from outside its worker. */
@Command(name = "activity", description = "Complete or fail a pending activity (as 'temporal activity').",
    subcommands = {ActivityCommands.Complete.class, ActivityCommands.Fail.class})
public final class ActivityCommands extends GroupCommand {

  abstract static class OneActivity extends ClientCommand {
    @Option(names = {"-a", "--activity-id"}, paramLabel = "<id>", required = true, description = "Activity id.")
    String activityId;

    @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", required = true, description = "Workflow id.")
    String workflowId;

    @Option(names = {"-r", "--run-id"}, paramLabel = "<id>", description = "Run id. Default: the latest run.")
    String runId = "";
  }

  @Command(name = "complete", description = "Complete a pending activity with a result.",
      footer = {"", "Example:", "  sundial activity complete -w order-1 -a approve --result '{\"approved\": true}'"})
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
