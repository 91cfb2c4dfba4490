package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.sundial.server.Sundial;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A full disk: the database on a 12 MB tmpfs made by the test, filled with 200 KB inputs. Writes
 * then fail with UNAVAILABLE and health says NOT_SERVING; once the tmpfs is grown the writer
 * recovers by itself (no restart), health says SERVING, and every acknowledged workflow is intact.
 * Needs root to mount; skipped with the reason elsewhere.
 */
class DiskFullTest {
  private static final int INPUT_BYTES = 200 * 1024;

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  private static StartWorkflowExecutionRequest start(String id) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace("default").setWorkflowId(id)
        .setRequestId(id).setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("nobody"))
        .setInput(Payloads.newBuilder().addPayloads(Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
            .setData(ByteString.copyFrom(new byte[INPUT_BYTES])))).build();
  }

  private static HttpResponse<String> get(Sundial sundial, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + sundial.uiPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ServingStatus health(HealthGrpc.HealthBlockingStub h) {
    return h.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus();
  }

  @Test
  void writesFailCleanlyOnAFullDiskAndRecoverWhenSpaceReturns() throws Exception {
    Path mnt = Files.createTempDirectory("sundial-disk-full");
    boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt.toString()) == 0;
    assumeTrue(mounted, "cannot mount a tmpfs here (mounting needs root): disk-full test skipped");
    try {
      try (Sundial sundial = Sundial.builder().dbFile(mnt.resolve("s.db")).ui("127.0.0.1", 0).start()) {
        WorkflowServiceStubs stubs = sundial.newWorkflowServiceStubs();
        var stub = stubs.blockingStub();
        ManagedChannel channel = sundial.newInProcessChannel();
        var healthStub = HealthGrpc.newBlockingStub(channel);
        assertThat(health(healthStub)).isEqualTo(ServingStatus.SERVING);

        List<String> acked = new ArrayList<>();
        StatusRuntimeException full = null;
        for (int i = 0; i < 200 && full == null; i++) {
          try {
            stub.startWorkflowExecution(start("fill-" + i));
            acked.add("fill-" + i);
          } catch (StatusRuntimeException e) {
            full = e;
          }
        }
        assertThat(full).as("the 12 MB disk filled up").isNotNull();
        assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(full.getStatus().getDescription()).containsIgnoringCase("full");
        CompatServer.await(Duration.ofSeconds(5), "health NOT_SERVING",
            () -> health(healthStub) == ServingStatus.NOT_SERVING);
        // The HTTP readiness says the same, and why; liveness stays up.
        HttpResponse<String> notReady = get(sundial, "/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"status\":\"not ready\"").containsIgnoringCase("full");
        assertThat(get(sundial, "/health").statusCode()).isEqualTo(200);
        // Still full: another write fails the same clean way, it does not wedge the writer.
        var again = CompatServer.expectStatus(() -> stub.startWorkflowExecution(start("still-full")));
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        assertThat(run("mount", "-o", "remount,size=200m", mnt.toString())).isZero();
        // Readiness comes back by itself (the server probes), before any client writes again.
        CompatServer.await(Duration.ofSeconds(20), "health SERVING once space returned",
            () -> health(healthStub) == ServingStatus.SERVING);
        HttpResponse<String> ready = get(sundial, "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"ready\"");
        stub.startWorkflowExecution(start("after-space-returned"));
        for (String id : acked) {
          var d = stub.describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace("default").setExecution(CompatServer.execution(id, null)).build());
          assertThat(d.getWorkflowExecutionInfo().getStatus()).as(id)
              .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
          var first = CompatServer.history(stubs, id, null).get(0);
          assertThat(first.getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0)
              .getData().size()).as(id).isEqualTo(INPUT_BYTES);
        }
        channel.shutdownNow();
      }
    } finally {
      run("umount", "-l", mnt.toString());
      CompatServer.deleteRecursively(mnt);
    }
  }
}
