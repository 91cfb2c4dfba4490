package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sundial server start-dev} as a process, with temporal's start-dev flags: an in-memory
 * database (and a note saying so), search attributes registered in every namespace, a warning
 * naming a dynamic config key Sundial does not use, and JSON log lines.
 */
class ServerStartDevTest {
  @TempDir Path dir;

  @Test
  void startDevTakesTemporalsFlags() throws Exception {
    int port = ChildJvm.freePort();
    Path log = Paths.get("target", "start-dev", "server-" + System.currentTimeMillis() + ".log");
    List<String> command = List.of(ChildJvm.javaExecutable(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), SundialProcess.MAIN_CLASS, "server", "start-dev",
        "--port", Integer.toString(port), "--headless", "--http-port", "-1", "--metrics-port", "0",
        "-n", "orders",
        "--search-attribute", "CustomerId=Keyword", "--search-attribute", "Amount=Double",
        "--dynamic-config-value", "frontend.rps=100", "--dynamic-config-value", "limit.historyCount.error=5000",
        "--log-format", "json");
    Process p = ChildJvm.launch(command, log, "");
    ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().build();
    try {
      var workflow = WorkflowServiceGrpc.newBlockingStub(channel);
      CompatServer.await(Duration.ofSeconds(60), "start-dev to serve", () -> {
        try {
          workflow.withDeadlineAfter(1, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          return true;
        } catch (StatusRuntimeException e) {
          return false;
        }
      });
      var operator = OperatorServiceGrpc.newBlockingStub(channel);
      for (String ns : List.of("default", "orders")) {
        var attributes = operator.listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace(ns).build()).getCustomAttributesMap();
        assertThat(attributes).as(ns).containsEntry("CustomerId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .containsEntry("Amount", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE);
      }
      String output = Files.readString(log);
      assertThat(output).contains("the database is in memory")
          .contains("--dynamic-config-value frontend.rps ignored")
          .doesNotContain("limit.historyCount.error ignored");
      assertThat(output.lines().filter(l -> l.startsWith("{") && l.contains("\"level\"")).count())
          .as("JSON log lines").isPositive();
      try (var files = Files.list(Path.of("."))) {
        assertThat(files.noneMatch(f -> f.getFileName().toString().equals("sundial-data")))
            .as("no database file was made").isTrue();
      }
    } finally {
      channel.shutdownNow();
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }
}
