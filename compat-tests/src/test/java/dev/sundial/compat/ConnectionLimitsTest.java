package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sundial.server.Sundial;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Connections that do nothing are reaped: an idle or half-open gRPC connection (the HTTP/2
 * preface and SETTINGS, then silence), an HTTP connection with no request, and a call whose
 * request message never comes. Timeouts are shortened for the test; the defaults are documented.
 */
class ConnectionLimitsTest {
  private static Path dir;
  private static Sundial sundial;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("sundial-connections");
    sundial = Sundial.builder().dbFile(dir.resolve("s.db"))
        .grpc("127.0.0.1", 0).httpApi("127.0.0.1", 0)
        .connectionIdleTimeout(Duration.ofSeconds(1))
        .requestArrivalTimeout(Duration.ofSeconds(1))
        .start();
  }

  @AfterAll
  static void stop() {
    sundial.close();
    CompatServer.deleteRecursively(dir);
  }

  /**
   * Reads until the server closes the connection; fails if it is still open after 30 s. (A gRPC
   * server's graceful close waits up to 10 s for a ping answer that this raw client never sends.)
   */
  private static long millisUntilClosed(Socket s) throws IOException {
    long t0 = System.nanoTime();
    s.setSoTimeout(30_000);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // frames the server sends (SETTINGS, GOAWAY) are read and dropped
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept an idle connection open for 30 s");
    } catch (SocketException reset) {
      // closed by the server with a reset: closed all the same
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Test
  void aHalfOpenGrpcConnectionIsClosed() throws IOException {
    try (Socket s = new Socket("127.0.0.1", sundial.grpcPort())) {
      OutputStream out = s.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      out.flush();
      assertThat(millisUntilClosed(s)).isLessThan(30_000);
    }
  }

  @Test
  void aConnectionThatNeverStartsTheHandshakeIsClosed() throws IOException {
    try (Socket s = new Socket("127.0.0.1", sundial.grpcPort())) {
      assertThat(millisUntilClosed(s)).isLessThan(30_000);
    }
  }

  @Test
  void connectionsPastTheLimitAreClosedAndServiceResumesWhenOneCloses() throws Exception {
    try (Sundial small = Sundial.builder().inMemory().grpc("127.0.0.1", 0).httpApi("127.0.0.1", 0)
        .maxConnections(3).start()) {
      List<Socket> held = new ArrayList<>();
      try {
        // Three connections (two gRPC, one HTTP) fill the limit; each is known to be accepted
        // once the server has answered on it (its HTTP/2 SETTINGS; an HTTP response).
        held.add(accepted(new Socket("127.0.0.1", small.grpcPort()), null));
        held.add(accepted(new Socket("127.0.0.1", small.grpcPort()), null));
        held.add(accepted(new Socket("127.0.0.1", small.httpPort()),
            "GET /api/v1/system-info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        try (Socket refusedGrpc = new Socket("127.0.0.1", small.grpcPort());
            Socket refusedHttp = new Socket("127.0.0.1", small.httpPort())) {
          assertThat(millisUntilClosed(refusedGrpc)).isLessThan(30_000);
          assertThat(millisUntilClosed(refusedHttp)).isLessThan(30_000);
        }
        // The held connections are still open: reading times out instead of reaching the end.
        for (Socket s : held) {
          assertThat(stillOpen(s)).as("held connection").isTrue();
        }
        held.remove(0).close();
        ManagedChannel channel =
            ManagedChannelBuilder.forTarget(small.grpcTarget()).usePlaintext().build();
        try {
          var stub = WorkflowServiceGrpc.newBlockingStub(channel);
          CompatServer.await(Duration.ofSeconds(20), "a call once a connection is free", () -> {
            try {
              return !stub.withDeadlineAfter(2, TimeUnit.SECONDS)
                  .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion().isEmpty();
            } catch (StatusRuntimeException e) {
              return false;
            }
          });
        } finally {
          channel.shutdownNow();
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  /** The socket once the server has sent something on it (after {@code request}, if any). */
  private static Socket accepted(Socket s, String request) throws IOException {
    if (request != null) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    }
    s.setSoTimeout(10_000);
    assertThat(s.getInputStream().read()).as("first byte from the server").isGreaterThanOrEqualTo(0);
    s.setSoTimeout(200);
    return s;
  }

  private static boolean stillOpen(Socket s) throws IOException {
    try {
      return s.getInputStream().read() >= 0; // bytes (a SETTINGS frame) or the end
    } catch (SocketTimeoutException e) {
      return true;
    } catch (SocketException reset) {
      return false;
    }
  }

  @Test
  void aConnectionThatIsNotGrpcLogsOneLine() throws IOException {
    var grpcLog = (Logger) LoggerFactory.getLogger("dev.sundial.server.grpc");
    var lines = new ListAppender<ILoggingEvent>();
    lines.start();
    grpcLog.addAppender(lines);
    var level = grpcLog.getLevel();
    grpcLog.setLevel(Level.INFO); // the tests log WARN and up
    try (Socket s = new Socket("127.0.0.1", sundial.grpcPort())) {
      s.getOutputStream().write("this is not HTTP/2 at all\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      millisUntilClosed(s);
      CompatServer.await(Duration.ofSeconds(10), "the failed connection's log line",
          () -> !lines.list.isEmpty());
      assertThat(lines.list).hasSize(1);
      String line = lines.list.get(0).getFormattedMessage();
      assertThat(line).contains("preface").doesNotContain("\n");
      assertThat(lines.list.get(0).getThrowableProxy()).as("no stack trace").isNull();
    } finally {
      grpcLog.setLevel(level);
      grpcLog.detachAppender(lines);
    }
  }

  @Test
  void aSilentHttpConnectionIsClosed() throws IOException {
    try (Socket s = new Socket("127.0.0.1", sundial.httpPort())) {
      assertThat(millisUntilClosed(s)).isLessThan(30_000);
    }
  }

  @Test
  void aCallWhoseRequestNeverComesIsClosed() throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(sundial.grpcTarget()).usePlaintext().build();
    try {
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<GetSystemInfoRequest, GetSystemInfoResponse> call = channel.newCall(
          WorkflowServiceGrpc.getGetSystemInfoMethod(), CallOptions.DEFAULT);
      call.start(new ClientCall.Listener<GetSystemInfoResponse>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.complete(status);
        }
      }, new Metadata());
      call.request(1); // headers go out; no message, no half-close
      Status status = closed.get(15, TimeUnit.SECONDS);
      assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(status.getDescription()).contains("request message not received");
      // The connection itself still serves.
      assertThat(WorkflowServiceGrpc.newBlockingStub(channel)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion()).isNotEmpty();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aRequestOverTheMessageLimitGetsResourceExhausted() {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(sundial.grpcTarget()).usePlaintext().build();
    try {
      var stub = WorkflowServiceGrpc.newBlockingStub(channel);
      var huge = StartWorkflowExecutionRequest.newBuilder()
          .setNamespace("default").setWorkflowId("too-big").setRequestId("r")
          .setWorkflowType(WorkflowType.newBuilder().setName("T"))
          .setTaskQueue(TaskQueue.newBuilder().setName("q"))
          .setIdentity("x".repeat(5 * 1024 * 1024)).build();
      StatusRuntimeException e =
          CompatServer.expectStatus(() -> stub.startWorkflowExecution(huge));
      assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      // A plain (uncompressed) request is refused by the transport, in grpc-java's words; a
      // compressed one in grpc-go's (MessageSizeTest).
      assertThat(e.getStatus().getDescription()).contains("exceeds maximum size 4194304");
      // The connection still serves.
      assertThat(stub.getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).getServerVersion())
          .isNotEmpty();
    } finally {
      channel.shutdownNow();
    }
  }
}
