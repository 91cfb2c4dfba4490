package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "result",
    description = "Wait for a workflow to close and print its result; exit status 1 when it did"
        + " not complete successfully.",
    footer = {"", "Example:", "  sundial workflow result --workflow-id order-1"})
public final class WorkflowResultCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Override
  protected int run(Client client, Output out) {
    HistoryEvent close = Histories.closeFollowingRuns(client, ref.workflowId, ref.runId, next -> { },
        e -> { });
    if (close == null) {
      spec.commandLine().getErr().println("Error: the workflow did not close within --command-timeout");
      return FAILED;
    }
    if (out.isText()) {
      var card = Output.fields();
      card.put("Status", Events.status(close).toUpperCase(Locale.ROOT));
      card.put(Events.succeeded(close) ? "Result" : "Failure", Events.outcomeText(out, close));
      out.card(card);
    } else if (out.isJson()) {
      out.printJson(Events.outcome(out, close));
    }
    return Events.succeeded(close) ? 0 : FAILED;
  }
}
