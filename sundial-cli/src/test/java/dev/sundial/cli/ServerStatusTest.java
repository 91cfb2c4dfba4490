package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness.Run;
import dev.sundial.server.Sundial;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import org.junit.jupiter.api.Test;

/** {@code server status} on a running and on a stopped server. */
class ServerStatusTest {
  @Test
  void aRunningServerIsReadyAndAStoppedOneIsNot() {
    String address;
    try (CliHarness h = new CliHarness()) {
      address = h.address();
      Run text = h.cli("server", "status");
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).contains("SERVING").contains("default").contains(address);
      var json = JsonParser.parseString(h.cli("server", "status", "-o", "json").out()).getAsJsonObject();
      assertThat(json.get("ready").getAsBoolean()).isTrue();
      assertThat(json.get("serverVersion").getAsString()).isNotEmpty();
    }
    Run stopped = CliHarness.run(CliHarness.env(), "server", "status", "--address", address,
        "--command-timeout", "20s");
    assertThat(stopped.code()).isEqualTo(1);
    assertThat(stopped.err()).contains("cannot reach a Temporal server at " + address);
  }

  @Test
  void headlineFiguresComeFromTheMetricsEndpoint() {
    try (var sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0)
        .metrics("127.0.0.1", 0).start()) {
      var stub = sundial.newWorkflowServiceStubs().blockingStub();
      stub.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
          .setWorkflowId("waiting").setRequestId("waiting")
          .setWorkflowType(WorkflowType.newBuilder().setName("T"))
          .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build());
      String metrics = "127.0.0.1:" + sundial.metricsPort();
      CliHarness.await("open workflow and backlog in server status", () -> {
        var json = JsonParser.parseString(CliHarness.run(CliHarness.env(), "server", "status",
            "--address", sundial.grpcTarget(), "--metrics-address", metrics, "-o", "json").out())
            .getAsJsonObject();
        return json.get("openWorkflows").getAsLong() == 1 && json.has("backlog")
            && json.get("backlog").getAsLong() == 1;
      });
      Run text = CliHarness.run(CliHarness.env(), "server", "status", "--address",
          sundial.grpcTarget(), "--metrics-address", metrics);
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).containsPattern("OpenWorkflows\\s+1").containsPattern("Backlog\\s+1")
          .containsPattern("CommitLatencyP99\\s+<= \\d+ ms").containsPattern("Uptime\\s+\\d+");
      Run none = CliHarness.run(CliHarness.env(), "server", "status", "--address",
          sundial.grpcTarget(), "--metrics-address", "127.0.0.1:1");
      assertThat(none.out()).contains("no metrics endpoint answered");
    }
  }

  @Test
  void aSingleNodeServerWithItsUiSaysSo() {
    try (var sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0)
        .ui("127.0.0.1", 0).start()) {
      Run r = CliHarness.run(CliHarness.env(), "server", "status", "--address", sundial.grpcTarget(),
          "--ui-address", "127.0.0.1:" + sundial.uiPort());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains("single node");
      Run noUi = CliHarness.run(CliHarness.env(), "server", "status", "--address", sundial.grpcTarget(),
          "--ui-address", "127.0.0.1:1");
      assertThat(noUi.code()).isZero();
      assertThat(noUi.out()).contains("no Sundial UI answered");
    }
  }
}
