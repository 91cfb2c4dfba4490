package dev.sundial.cli.workflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Output;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "trace",
    description = "A workflow and its child workflows as a tree with their status, redrawn until"
        + " the workflow closes (--no-follow: once).",
    footer = {"", "Example:", "  sundial workflow trace -w order-1 --depth 2"})
public final class WorkflowTraceCommand extends ClientCommand {
  @Mixin WorkflowRef ref = new WorkflowRef();

  @Option(names = "--depth", paramLabel = "<n>", description = "Levels of children to show (-1: all). Default: -1.")
  int depth = -1;

  @Option(names = "--no-follow", description = "Print the tree once instead of redrawing it until the workflow closes.")
  boolean noFollow;

  /** One workflow run in the tree. */
  record Node(String workflowId, String runId, String type, String status, List<Node> children) {}

  @Override
  protected int run(Client client, Output out) throws InterruptedException {
    String last = null;
    while (true) {
      Node root = node(client, ref.execution(), depth);
      String tree = render(root);
      if (!tree.equals(last)) {
        if (out.isText()) {
          if (last != null) out.line("");
          out.line(tree.stripTrailing());
        }
        last = tree;
      }
      boolean open = root.status().equals("Running");
      if (noFollow || !open || client.expired()) {
        if (out.isJson()) out.printJson(json(root));
        return 0;
      }
      Thread.sleep(1000); // the redraw pace
    }
  }

  private Node node(Client client, WorkflowExecution execution, int levels) {
    var info = client.workflow().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setExecution(execution).build()).getWorkflowExecutionInfo();
    List<Node> children = new ArrayList<>();
    if (levels != 0) {
      WorkflowExecution exact = info.getExecution();
      for (HistoryEvent e : Histories.all(client, exact)) {
        if (e.hasChildWorkflowExecutionStartedEventAttributes()) {
          var child = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
          children.add(node(client, child, levels - 1));
        }
      }
    }
    return new Node(info.getExecution().getWorkflowId(), info.getExecution().getRunId(),
        info.getType().getName(), status(info.getStatus()), children);
  }

  private static String status(WorkflowExecutionStatus s) {
    return Enums.display(s.name(), "WORKFLOW_EXECUTION_STATUS_");
  }

  static String render(Node root) {
    StringBuilder b = new StringBuilder();
    render(root, "", true, true, b);
    return b.toString();
  }

  private static void render(Node n, String indent, boolean last, boolean top, StringBuilder b) {
    b.append(indent).append(top ? "" : last ? "└── " : "├── ")
        .append(n.type()).append(" (").append(n.status()).append(")  ")
        .append(n.workflowId()).append('/').append(n.runId()).append('\n');
    String childIndent = top ? "" : indent + (last ? "    " : "│   ");
    for (int i = 0; i < n.children().size(); i++) {
      render(n.children().get(i), childIndent, i == n.children().size() - 1, false, b);
    }
  }

  private static JsonObject json(Node n) {
    JsonObject o = new JsonObject();
    o.addProperty("workflowId", n.workflowId());
    o.addProperty("runId", n.runId());
    o.addProperty("type", n.type());
    o.addProperty("status", n.status());
    JsonArray children = new JsonArray();
    n.children().forEach(c -> children.add(json(c)));
    o.add("children", children);
    return o;
  }
}
