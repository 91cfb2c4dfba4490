package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show",
    description = "Print a workflow's history. With -o json: a history file the SDKs' replayers"
        + " read (payloads in full form).",
    footer = {"", "Examples:", "  sundial workflow show --workflow-id order-1 --follow",
        "  sundial workflow show --workflow-id order-1 -o json > order-1.json"})
public final class WorkflowShowCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Option(names = {"-f", "--follow"}, description = "Keep printing new events until the workflow closes.")
  boolean follow;

  @Option(names = "--detailed", description = "Print every event's attributes too.")
  boolean detailed;

  @Override
  protected int run(Client client, Output out) {
    if (out.isText()) {
      out.line("Progress:");
    }
    if (follow) {
      HistoryEvent close = Histories.follow(client, ref.execution(), e -> print(out, e));
      if (!out.isText() && close == null) {
        return FAILED;
      }
      return 0;
    }
    List<HistoryEvent> events = Histories.all(client, ref.execution());
    if (out.isText()) {
      events.forEach(e -> print(out, e));
    } else if (out.isJson()) {
      // The replayers' format: {"events": [...]}, payloads never in shorthand.
      out.json(History.newBuilder().addAllEvents(events).build(), false);
    }
    return 0;
  }

  private void print(Output out, HistoryEvent e) {
    if (out.isText()) {
      out.line(Events.line(out, e));
      if (detailed) {
        out.line("      " + out.payloads(e).replace("\n", " "));
      }
    } else if (out.isJson()) {
      out.json(e, false);
    }
  }
}
