package dev.sundial.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness.Run;
import dev.sundial.cli.CliHarness;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workflow commands against an embedded Sundial with an official-SDK worker, as a user's
 * terminal and scripts use them: exit statuses, text output and JSON output (parsed).
 */
class WorkflowCommandsTest {
  private static CliHarness h;

  @BeforeAll
  static void start() {
    h = new CliHarness();
    var worker = h.workers.newWorker("orders");
    worker.registerWorkflowImplementationTypes(
        OrderWorkflows.OrderProcessingImpl.class, OrderWorkflows.GreetingImpl.class);
    h.workers.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static WorkflowExecutionStatus status(String id) {
    return h.client.newUntypedWorkflowStub(id).describe().getWorkflowExecutionInfo().getStatus();
  }

  @Test
  void theCommandsScriptsUseWorkAsWithTemporal() {
    Run start = h.cli("workflow", "start", "--task-queue", "orders", "--type", "OrderProcessing",
        "--workflow-id", "order-42", "--input", "{\"data\": \"value\"}");
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).contains("order-42").contains("OrderProcessing");

    Run query = h.cli("workflow", "query", "--workflow-id", "order-42", "--type", "getStatus");
    assertThat(query.code()).as(query.err()).isZero();
    assertThat(query.out()).contains("data=value");

    Run signal = h.cli("workflow", "signal", "--workflow-id", "order-42", "--name", "updateData",
        "--input", "{\"data\": \"changed\"}");
    assertThat(signal.code()).as(signal.err()).isZero();
    CliHarness.await("the query to see the signal", () ->
        h.cli("workflow", "query", "-w", "order-42", "--name", "getStatus", "-o", "json").out()
            .contains("data=changed"));

    Run list = h.cli("workflow", "list", "--query",
        "WorkflowType=\"OrderProcessing\" AND ExecutionStatus=\"Running\"", "-o", "json");
    assertThat(list.code()).as(list.err()).isZero();
    JsonArray rows = JsonParser.parseString(list.out()).getAsJsonArray();
    assertThat(rows).anySatisfy(r -> assertThat(r.getAsJsonObject().getAsJsonObject("execution")
        .get("workflowId").getAsString()).isEqualTo("order-42"));

    Run cancel = h.cli("workflow", "cancel", "--workflow-id", "order-42");
    assertThat(cancel.code()).as(cancel.err()).isZero();
    Run result = h.cli("workflow", "result", "--workflow-id", "order-42");
    assertThat(result.code()).isEqualTo(1);
    assertThat(result.out()).contains("CANCELED");
    assertThat(status("order-42")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
  }

  @Test
  void executePrintsTheResultAndExitsOneWhenTheWorkflowFails() {
    Run ok = h.cli("workflow", "execute", "--type", "Greeting", "-t", "orders", "-w", "greet-1",
        "-i", "\"World\"", "-o", "json");
    assertThat(ok.code()).as(ok.err()).isZero();
    JsonObject o = JsonParser.parseString(ok.out()).getAsJsonObject();
    assertThat(o.get("result").getAsString()).isEqualTo("Hello World");
    assertThat(o.get("status").getAsString()).isEqualTo("COMPLETED");
    assertThat(o.get("workflowId").getAsString()).isEqualTo("greet-1");

    Run failed = h.cli("workflow", "execute", "--type", "Greeting", "-t", "orders", "-w", "greet-2",
        "-i", "\"fail\"");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.out()).contains("Progress:").contains("WorkflowExecutionFailed")
        .contains("FAILED").contains("no greeting for you");
  }

  @Test
  void describeAndShowGiveJsonAndAHistoryTheReplayerReads() throws Exception {
    h.client.newWorkflowStub(OrderWorkflows.Greeting.class,
        WorkflowOptions.newBuilder().setTaskQueue("orders").setWorkflowId("greet-show").build()).greet("show");
    Run describe = h.cli("workflow", "describe", "-w", "greet-show", "-o", "json");
    assertThat(describe.code()).as(describe.err()).isZero();
    JsonObject d = JsonParser.parseString(describe.out()).getAsJsonObject();
    assertThat(d.getAsJsonObject("workflowExecutionInfo").get("status").getAsString())
        .isEqualTo("WORKFLOW_EXECUTION_STATUS_COMPLETED");
    Run text = h.cli("workflow", "describe", "-w", "greet-show");
    assertThat(text.out()).contains("Execution Info:").contains("Status").contains("Completed");

    Run show = h.cli("workflow", "show", "-w", "greet-show", "-o", "json");
    assertThat(show.code()).as(show.err()).isZero();
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(show.out());
    assertThat(history.getEvents()).hasSize(h.client.fetchHistory("greet-show").getEvents().size());
    Run showText = h.cli("workflow", "show", "-w", "greet-show");
    assertThat(showText.out()).contains("WorkflowExecutionStarted").contains("WorkflowExecutionCompleted");
  }

  @Test
  void showFollowPrintsEventsAsTheyHappenUntilTheWorkflowCloses() throws Exception {
    var order = h.client.newWorkflowStub(OrderWorkflows.OrderProcessing.class,
        WorkflowOptions.newBuilder().setTaskQueue("orders").setWorkflowId("order-follow").build());
    WorkflowClient.start(order::process, new OrderWorkflows.Order());
    CompletableFuture<Run> follow = CompletableFuture.supplyAsync(() ->
        h.cli("workflow", "show", "-w", "order-follow", "--follow"));
    order.updateData(new OrderWorkflows.Order());
    order.finish();
    Run r = follow.get(30, TimeUnit.SECONDS);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("WorkflowExecutionSignaled").contains("WorkflowExecutionCompleted");
  }

  @Test
  void terminateByQueryStartsABatchJob() {
    for (int i = 1; i <= 3; i++) {
      assertThat(h.cli("workflow", "start", "--type", "OrderProcessing", "-t", "nobody",
          "-w", "bulk-" + i, "-i", "{}").code()).isZero();
    }
    Run r = h.cli("workflow", "terminate", "--query", "WorkflowId STARTS_WITH 'bulk-'",
        "--reason", "cleanup", "--yes");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Started batch").contains("3 workflows match");
    for (int i = 1; i <= 3; i++) {
      String id = "bulk-" + i;
      CliHarness.await(id + " terminated", () ->
          status(id) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    }
  }

  @Test
  void badInputIsOneLineAndExitStatusTwoBeforeAnyCall() {
    String nowhere = "127.0.0.1:1"; // nothing listens: a call would fail differently
    Run json = CliHarness.run(CliHarness.env(), "workflow", "start", "--address", nowhere,
        "--type", "T", "-t", "q", "--input", "{bad");
    assertThat(json.code()).isEqualTo(2);
    assertThat(json.err()).contains("--input must be JSON");
    Run policy = CliHarness.run(CliHarness.env(), "workflow", "start", "--address", nowhere,
        "--type", "T", "-t", "q", "--id-reuse-policy", "Sometimes");
    assertThat(policy.code()).isEqualTo(2);
    assertThat(policy.err()).contains("--id-reuse-policy must be one of").contains("AllowDuplicate");
    Run timeout = CliHarness.run(CliHarness.env(), "workflow", "start", "--address", nowhere,
        "--type", "T", "-t", "q", "--run-timeout", "10x");
    assertThat(timeout.code()).isEqualTo(2);
    assertThat(timeout.err()).contains("--run-timeout");
    Run neither = CliHarness.run(CliHarness.env(), "workflow", "cancel", "--address", nowhere);
    assertThat(neither.code()).isEqualTo(2);
    assertThat(neither.err()).contains("--workflow-id or --query");
    Run unknownFlag = CliHarness.run(CliHarness.env(), "workflow", "list", "--bogus");
    assertThat(unknownFlag.code()).isEqualTo(2);
    assertThat(unknownFlag.err()).contains("--bogus");

    Run missing = h.cli("workflow", "describe", "-w", "no-such-workflow");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip()).startsWith("Error: NOT_FOUND").doesNotContain("\n")
        .doesNotContain("at io.grpc");

    Run unreachable = CliHarness.run(CliHarness.env(), "workflow", "list", "--address", nowhere,
        "--command-timeout", "20s");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach a Temporal server at " + nowhere)
        .contains("sundial server start");
  }

  @Test
  void flagsWinOverTheEnvironment() throws Exception {
    assertThat(h.cli("operator", "namespace", "create", "--namespace", "env-ns").code()).isZero();
    var env = CliHarness.env("TEMPORAL_ADDRESS", h.address(), "TEMPORAL_NAMESPACE", "env-ns");
    Run start = CliHarness.run(env, "workflow", "start", "--type", "X", "-t", "nobody", "-w", "env-1");
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).contains("env-ns");
    assertThat(CliHarness.run(env, "workflow", "describe", "-w", "env-1").code()).isZero();
    Run flag = CliHarness.run(env, "workflow", "describe", "-w", "env-1", "-n", "default");
    assertThat(flag.code()).isEqualTo(1);
    assertThat(flag.err()).contains("NOT_FOUND");

    // The same server and namespace from a temporal.toml profile alone.
    Path toml = Files.createTempFile("temporal", ".toml");
    Files.writeString(toml, "[profile.local]\naddress = \"" + h.address()
        + "\"\nnamespace = \"env-ns\"\n");
    Run profile = CliHarness.run(CliHarness.env(), "workflow", "describe", "-w", "env-1",
        "--config-file", toml.toString(), "--profile", "local");
    assertThat(profile.code()).as(profile.err()).isZero();
    Files.delete(toml);
  }

  @Test
  void countGroupsByStatus() {
    assertThat(h.cli("workflow", "start", "--type", "Counted", "-t", "nobody", "-w", "count-1").code()).isZero();
    Run r = h.cli("workflow", "count", "--query", "WorkflowType='Counted' GROUP BY ExecutionStatus");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Total: 1").contains("\"Running\"");
    Run json = h.cli("workflow", "count", "--query", "WorkflowType='Counted'", "-o", "json");
    assertThat(JsonParser.parseString(json.out()).getAsJsonObject().get("count").getAsString()).isEqualTo("1");
  }
}
