package dev.sundial.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** workflow signal-with-start, update start/execute/result/describe and reset. */
class MoreWorkflowCommandsTest {
  private static CliHarness h;

  @BeforeAll
  static void start() {
    h = new CliHarness();
    var worker = h.workers.newWorker("orders");
    worker.registerWorkflowImplementationTypes(
        OrderWorkflows.OrderProcessingImpl.class, OrderWorkflows.GreetingImpl.class,
        OrderWorkflows.ParentImpl.class);
    h.workers.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** The workflows and the history of one, for a failure message. */
  private static String whereItStands(String workflowId) {
    return "\n-- workflows:\n" + h.cli("workflow", "list").out()
        + "\n-- history of " + workflowId + ":\n" + h.cli("workflow", "show", "-w", workflowId).out();
  }

  private static JsonObject json(Run r) {
    assertThat(r.code()).as(r.err()).isZero();
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void signalWithStartStartsOnceThenSignals() {
    JsonObject first = json(h.cli("workflow", "signal-with-start", "-w", "sws-1", "--type", "OrderProcessing",
        "-t", "orders", "-i", "{\"data\": \"initial\"}", "--signal-name", "updateData",
        "--signal-input", "{\"data\": \"signalled\"}", "-o", "json"));
    assertThat(first.get("started").getAsBoolean()).isTrue();
    JsonObject second = json(h.cli("workflow", "signal-with-start", "-w", "sws-1", "--type", "OrderProcessing",
        "-t", "orders", "-i", "{\"data\": \"ignored\"}", "--signal-name", "updateData",
        "--signal-input", "{\"data\": \"again\"}", "-o", "json"));
    assertThat(second.get("started").getAsBoolean()).isFalse();
    assertThat(second.get("runId").getAsString()).isEqualTo(first.get("runId").getAsString());
    assertThat(h.cli("workflow", "show", "-w", "sws-1").out()).contains("WorkflowExecutionSignaled");
    Run bad = h.cli("workflow", "signal-with-start", "-w", "sws-1", "--type", "OrderProcessing", "-t", "orders",
        "--signal-name", "updateData", "--signal-input", "{oops");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--signal-input");
  }

  @Test
  void updatesExecuteStartAndGiveTheirResults() {
    assertThat(h.cli("workflow", "start", "-w", "upd-1", "--type", "OrderProcessing", "-t", "orders",
        "-i", "{\"data\": \"a\"}").code()).isZero();
    JsonObject executed = json(h.cli("workflow", "update", "execute", "-w", "upd-1", "--name", "setData",
        "-i", "{\"data\": \"b\"}", "-o", "json"));
    assertThat(executed.get("result").getAsString()).isEqualTo("a -> b");

    Run started = h.cli("workflow", "update", "start", "-w", "upd-1", "--name", "setData",
        "--update-id", "u-2", "--wait-for-stage", "accepted", "-i", "{\"data\": \"c\"}");
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(started.out()).contains("u-2");
    JsonObject result = json(h.cli("workflow", "update", "result", "-w", "upd-1", "--update-id", "u-2", "-o", "json"));
    assertThat(result.get("result").getAsString()).isEqualTo("b -> c");
    assertThat(h.cli("workflow", "update", "describe", "-w", "upd-1", "--update-id", "u-2").out())
        .contains("Completed").contains("b -> c");

    Run rejected = h.cli("workflow", "update", "execute", "-w", "upd-1", "--name", "setData",
        "-i", "{\"data\": \"bad\"}");
    assertThat(rejected.code()).isEqualTo(1);
    assertThat(rejected.out()).contains("bad data");
  }

  @Test
  void resetStartsANewRunFromAWorkflowTask() {
    h.client.newWorkflowStub(OrderWorkflows.Greeting.class,
        WorkflowOptions.newBuilder().setTaskQueue("orders").setWorkflowId("reset-1").build()).greet("you");
    String firstRun = h.client.newUntypedWorkflowStub("reset-1").describe().getExecution().getRunId();
    JsonObject reset = json(h.cli("workflow", "reset", "-w", "reset-1", "--type", "FirstWorkflowTask",
        "--reason", "cli test", "-o", "json"));
    String newRun = reset.get("runId").getAsString();
    assertThat(newRun).isNotEqualTo(firstRun).isNotEmpty();
    Run result = h.cli("workflow", "result", "-w", "reset-1", "-r", newRun);
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).contains("Hello you");
    Run neither = h.cli("workflow", "reset", "-w", "reset-1", "--reason", "x");
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("--event-id or --type");
    Run noPrevious = h.cli("workflow", "reset", "-w", "reset-1", "--type", "LastContinuedAsNew", "--reason", "x");
    assertThat(noPrevious.code()).isEqualTo(1);
  }

  @Test
  void traceShowsTheWorkflowAndItsChildrenAsATree() {
    Run run = h.cli("workflow", "start", "-w", "parent-1", "--type", "Parent", "-t", "orders", "-i", "\"kid\"");
    assertThat(run.code()).as(run.err()).isZero();
    Run trace = h.cli("workflow", "trace", "-w", "parent-1", "--command-timeout", "60s");
    // If the tree does not complete, say where it stands (this failed once in CI, unexplained).
    assertThat(trace.code()).as(() -> trace.err() + whereItStands("parent-1")).isZero();
    String last = trace.out().substring(trace.out().lastIndexOf("Parent ("));
    assertThat(last).startsWith("Parent (Completed)  parent-1/").contains("├── Greeting (Completed)")
        .contains("└── Greeting (Completed)");
    Run shallow = h.cli("workflow", "trace", "-w", "parent-1", "--depth", "0", "-o", "json");
    var json = JsonParser.parseString(shallow.out()).getAsJsonObject();
    assertThat(json.get("status").getAsString()).isEqualTo("Completed");
    assertThat(json.getAsJsonArray("children")).isEmpty();
  }
}
