package dev.sundial.cli.activity;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.PollActivityExecutionResponse;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code activity start|execute|result}: run a standalone activity and read its outcome. */
final class ActivityRunCommands {
  private ActivityRunCommands() {}

  @Command(name = "start", description = "Start a standalone activity (no workflow) and print its ids.",
      footer = {"", "Example:", "  sundial activity start --activity-id resize-1 --type Resize"
          + " --task-queue images --start-to-close-timeout 5m --input '\"photo.jpg\"'"})
  static final class Start extends ClientCommand {
    @Mixin ActivityStartOptions start = new ActivityStartOptions();

    @Override
    protected void validate() {
      start.request("n", "i"); // every flag checked before connecting
    }

    @Override
    protected int run(Client client, Output out) {
      var request = start.request(client.namespace(), client.identity());
      String runId = client.workflow().startActivityExecution(request).getRunId();
      printStarted(out, client, start.activityId, runId);
      return 0;
    }
  }

  @Command(name = "execute",
      description = "Start a standalone activity, wait for it and print its result; exit status 1"
          + " when it does not complete successfully.",
      footer = {"", "Example:", "  sundial activity execute --activity-id resize-1 --type Resize"
          + " --task-queue images --start-to-close-timeout 30s --input '\"photo.jpg\"'"})
  static final class Execute extends ClientCommand {
    @Mixin ActivityStartOptions start = new ActivityStartOptions();

    @Override
    protected void validate() {
      start.request("n", "i");
    }

    @Override
    protected int run(Client client, Output out) {
      var request = start.request(client.namespace(), client.identity());
      String runId = client.workflow().startActivityExecution(request).getRunId();
      if (out.isText()) { // JSON output is one document: the outcome
        printStarted(out, client, start.activityId, runId);
        out.line("");
      }
      return outcome(spec.commandLine().getErr(), client, out, start.activityId, runId);
    }
  }

  @Command(name = "result",
      description = "Wait for a standalone activity to close and print its result; exit status 1"
          + " when it did not complete successfully.",
      footer = {"", "Example:", "  sundial activity result --activity-id resize-1"})
  static final class Result extends ClientCommand {
    @Mixin ActivityRef ref = new ActivityRef();

    @Override
    protected int run(Client client, Output out) {
      return outcome(spec.commandLine().getErr(), client, out, ref.activityId, ref.runId);
    }
  }

  private static int outcome(PrintWriter err, Client client, Output out, String activityId,
      String runId) {
    PollActivityExecutionResponse polled = ActivityOutcomes.await(client, activityId, runId);
    if (polled == null) {
      err.println("Error: the activity did not close within --command-timeout");
      return ClientCommand.FAILED;
    }
    return ActivityOutcomes.print(out, activityId, polled.getRunId(), polled.getOutcome())
        ? 0 : ClientCommand.FAILED;
  }

  private static void printStarted(Output out, Client client, String activityId, String runId) {
    if (out.isText()) {
      out.line("Running execution:");
      var card = Output.fields();
      card.put("ActivityId", activityId);
      card.put("RunId", runId);
      card.put("Namespace", client.namespace());
      out.card(card);
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.addProperty("activityId", activityId);
      o.addProperty("runId", runId);
      o.addProperty("namespace", client.namespace());
      out.printJson(o);
    }
  }
}
