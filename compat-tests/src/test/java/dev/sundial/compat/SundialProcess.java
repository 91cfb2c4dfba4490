package dev.sundial.compat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The standalone Sundial server in a child JVM (same class path as the tests), so a test can kill
 * it with SIGKILL and start it again on the same database and port. The database is the given
 * SQLite file, or with {@code -Dsundial.test.store=postgres} a fresh schema in SUNDIAL_TEST_PG_URL
 * (passed with {@code --db}/{@code --db-schema}, kept across restarts, dropped at close).
 */
final class SundialProcess implements AutoCloseable {

  static final String MAIN_CLASS = "dev.sundial.cli.SundialCommand";

  private final int port;
  private final Path dbFile;
  private final Path logFile;
  private final String schema; // null: SQLite
  private Process process;
  private int starts;
  private String maxHeap = "512m";
  private String maxDirectMemory; // null: the JVM's default (as large as the heap)
  private List<String> extraArgs = List.of();

  SundialProcess(int port, Path dbFile, Path logFile) {
    this.port = port;
    this.dbFile = dbFile;
    this.logFile = logFile;
    this.schema =
        SundialTestServer.usePostgres() ? SundialTestServer.newSchemaName("process") : null;
  }

  static int freePort() {
    return ChildJvm.freePort();
  }

  int port() {
    return port;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  Path logFile() {
    return logFile;
  }

  /** More {@code server start} options for the next start. */
  SundialProcess extraArgs(String... args) {
    this.extraArgs = List.of(args);
    return this;
  }

  /** The -XX:MaxDirectMemorySize of the next start (default: the JVM's, the heap's size). */
  SundialProcess maxDirectMemory(String size) {
    this.maxDirectMemory = size;
    return this;
  }

  /** The -Xmx of the next start (default 512m). */
  SundialProcess maxHeap(String xmx) {
    this.maxHeap = xmx;
    return this;
  }

  /** Starts the server process (does not wait for it to serve). */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable());
    command.add("-Xmx" + maxHeap);
    if (maxDirectMemory != null) {
      command.add("-XX:MaxDirectMemorySize=" + maxDirectMemory);
    }
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError"); // as the launcher: a JVM out of memory exits
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN_CLASS);
    command.add("server");
    command.add("start");
    command.add("--ip");
    command.add("127.0.0.1");
    command.add("--port");
    command.add(Integer.toString(port));
    if (schema == null) {
      command.add("--db-filename");
      command.add(dbFile.toString());
    } else {
      command.add("--db");
      command.add(SundialTestServer.postgresUrl());
      command.add("--db-schema");
      command.add(schema);
    }
    if (!extraArgs.contains("--metrics-port")) {
      command.add("--metrics-port");
      command.add("0"); // a free one: --port + 2000 may be taken on a test machine
    }
    if (!extraArgs.contains("--log-level")) {
      command.add("--log-level");
      command.add("info");
    }
    command.addAll(extraArgs);
    process =
        ChildJvm.launch(command, logFile, String.format(
            "%n==== start #%d: %s%n", ++starts, String.join(" ", command.subList(6, command.size()))));
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * Waits until GetSystemInfo answers on the port; fails (with the log tail) when the process exits
   * or the deadline passes.
   */
  void awaitServing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    StatusRuntimeException last = null;
    while (System.nanoTime() - deadline < 0) {
      if (!isAlive()) {
        throw new AssertionError(
            "the server process exited with code "
                + process.exitValue()
                + " before serving\n"
                + logTail(60));
      }
      ManagedChannel channel = ManagedChannelBuilder.forTarget(target()).usePlaintext().build();
      try {
        WorkflowServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(1, TimeUnit.SECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return;
      } catch (StatusRuntimeException e) {
        last = e;
      } finally {
        channel.shutdownNow();
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
    throw new AssertionError(
        "the server did not answer GetSystemInfo on "
            + target()
            + " within "
            + timeout
            + " (last error: "
            + last
            + ")\n"
            + logTail(60));
  }

  /**
   * SIGKILL (Process.destroyForcibly is SIGKILL on Linux), then waits for the process to be gone.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the killed server process did not exit");
    }
  }

  /** SIGTERM, then SIGKILL if it does not stop in time. */
  @Override
  public void close() {
    try {
      stopProcess();
    } finally {
      if (schema != null) {
        SundialTestServer.dropSchema(schema);
      }
    }
  }

  private void stopProcess() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  String logTail(int lines) {
    try {
      List<String> all =
          List.of(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).split("\\R"));
      return "---- last lines of "
          + logFile
          + " ----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no server log: " + e + ")";
    }
  }
}
