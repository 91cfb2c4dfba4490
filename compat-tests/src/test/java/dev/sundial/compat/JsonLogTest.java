package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-format json}: every log line of a standalone server is one JSON object; a line
 * logged for a request carries its rpc, namespace, workflow and run in the MDC; no line holds a
 * payload's content.
 */
class JsonLogTest {
  private static final String SECRET = "payload-content-that-must-not-be-logged";

  @TempDir Path dir;

  @Test
  void linesAreJsonWithTheRequestContextAndNoPayloads() throws Exception {
    Path log = dir.resolve("server.log");
    try (SundialProcess server = new SundialProcess(SundialProcess.freePort(), dir.resolve("s.db"), log)
        .extraArgs("--log-format", "json", "--log-level", "debug")) {
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      try {
        var stub = WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        Payloads secret = Payloads.newBuilder().addPayloads(Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8("\"" + SECRET + "\""))).build();
        String runId = stub.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setWorkflowId("logged-1")
            .setWorkflowType(WorkflowType.newBuilder().setName("T"))
            .setTaskQueue(TaskQueue.newBuilder().setName("q")).setInput(secret)
            .setRequestId("r-1").build()).getRunId();
        stub.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setSignalName("s").setInput(secret)
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("logged-1").setRunId(runId))
            .build());
        try {
          stub.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder()
              .setNamespace("default").setSignalName("s").setInput(secret)
              .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("missing")).build());
        } catch (StatusRuntimeException expected) {
          // NOT_FOUND, logged with its request context
        }

        // The request lines are written as the calls are answered: wait for the last one.
        CompatServer.await(Duration.ofSeconds(10), "the request log lines",
            () -> read(log).stream().anyMatch(l -> l.contains("NOT_FOUND")));
        List<String> lines = read(log);
        List<JsonObject> json = new ArrayList<>();
        for (String line : lines) {
          if (line.startsWith("{")) json.add(JsonParser.parseString(line).getAsJsonObject());
        }
        assertThat(json).hasSizeGreaterThan(5);
        assertThat(lines).noneMatch(l -> l.contains(SECRET));
        assertThat(json).allSatisfy(o -> assertThat(o.keySet())
            .contains("timestamp", "level", "loggerName", "formattedMessage", "mdc"));

        JsonObject start = json.stream()
            .filter(o -> o.get("formattedMessage").getAsString().startsWith("StartWorkflowExecution OK"))
            .findFirst().orElseThrow(() -> new AssertionError("no such line in " + messages(json)));
        JsonObject mdc = start.getAsJsonObject("mdc");
        assertThat(mdc.get("rpc").getAsString()).isEqualTo("StartWorkflowExecution");
        assertThat(mdc.get("namespace").getAsString()).isEqualTo("default");
        assertThat(mdc.get("workflowId").getAsString()).isEqualTo("logged-1");
        JsonObject signal = json.stream()
            .filter(o -> o.get("formattedMessage").getAsString().startsWith("SignalWorkflowExecution OK"))
            .findFirst().orElseThrow(() -> new AssertionError("no such line in " + messages(json)));
        assertThat(signal.getAsJsonObject("mdc").get("runId").getAsString()).isEqualTo(runId);
        JsonObject missing = json.stream()
            .filter(o -> o.get("formattedMessage").getAsString().contains("NOT_FOUND"))
            .findFirst().orElseThrow(() -> new AssertionError("no such line in " + messages(json)));
        assertThat(missing.getAsJsonObject("mdc").get("workflowId").getAsString()).isEqualTo("missing");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static List<String> messages(List<JsonObject> json) {
    return json.stream().map(o -> o.get("formattedMessage").getAsString()).toList();
  }

  private static List<String> read(Path log) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
