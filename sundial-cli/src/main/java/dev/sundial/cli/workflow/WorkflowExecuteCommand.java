package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Output;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "execute",
    description = "Start a workflow execution, print its progress, then its result; exit status 1"
        + " when it does not complete successfully.",
    footer = {"", "Example:", "  sundial workflow execute --type Greeting --task-queue hello --input '\"World\"'"})
public final class WorkflowExecuteCommand extends ClientCommand {
  @Mixin StartOptions start = new StartOptions();
  @Mixin StartOnlyOptions only = new StartOnlyOptions();

  @Override
  protected void validate() {
    only.apply(start.request("n", "i"));
  }

  @Override
  protected int run(Client client, Output out) {
    StartWorkflowExecutionRequest request =
        only.apply(start.request(client.namespace(), client.identity())).build();
    long t0 = System.nanoTime();
    String runId = client.workflow().startWorkflowExecution(request).getRunId();
    if (out.isText()) { // JSON output is one document, at the end
      WorkflowStartCommand.print(out, client, request, runId);
      out.line("");
      out.line("Progress:");
    }
    HistoryEvent close = Histories.closeFollowingRuns(client, request.getWorkflowId(), runId,
        next -> out.line("  (continued as run " + next + ")"),
        e -> {
          if (out.isText()) {
            out.line(Events.line(out, e));
          }
        });
    if (close == null) {
      spec.commandLine().getErr().println("Error: the workflow did not close within --command-timeout");
      return FAILED;
    }
    if (out.isText()) {
      out.line("");
      out.line("Results:");
      var card = Output.fields();
      card.put("RunTime", Durations.format(
          Duration.ofNanos(System.nanoTime() - t0).withNanos(0)));
      card.put("Status", Events.status(close).toUpperCase(Locale.ROOT));
      card.put(Events.succeeded(close) ? "Result" : "Failure", Events.outcomeText(out, close));
      out.card(card);
    } else if (out.isJson()) {
      JsonObject o = WorkflowStartCommand.started(client, request, runId);
      Events.outcome(out, close).entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
      out.printJson(o);
    }
    return Events.succeeded(close) ? 0 : FAILED;
  }
}
