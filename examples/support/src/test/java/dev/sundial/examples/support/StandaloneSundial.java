package dev.sundial.examples.support;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Sundial server in a child JVM ({@code sundial server start} on a SQLite file), for
 * tests that {@code kill -9} it mid-flow and start it again on the same file and port.
 */
public final class StandaloneSundial implements AutoCloseable {
  private final Path dbFile;
  private final Path log;
  private final int port;
  private Process process;

  public StandaloneSundial(Path dir) {
    this.dbFile = dir.resolve("sundial.db");
    this.log = dir.resolve("sundial-server.log");
    this.port = freePort();
  }

  public String target() {
    return "127.0.0.1:" + port;
  }

  /** Starts the server and waits until it answers. */
  public StandaloneSundial start() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), "dev.sundial.cli.SundialCommand", "server", "start",
        "--ip", "127.0.0.1", "--port", Integer.toString(port), "--db-filename", dbFile.toString(),
        "--headless", "--http-port", "-1", "--metrics-port", "0");
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitServing(Duration.ofSeconds(60));
    return this;
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed on the way out. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not die");
    }
  }

  private void awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + logText());
      }
      ManagedChannel channel = ManagedChannelBuilder.forTarget(target()).usePlaintext().build();
      try {
        WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        // not serving yet
      } finally {
        channel.shutdownNow();
      }
      try {
        Thread.sleep(50); // the polling interval of the wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the server did not serve within " + timeout + ":\n" + logText());
  }

  private String logText() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
