package dev.sundial.compat.cluster;

import dev.sundial.compat.ChildJvm;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One cluster node: the standalone server ({@code sundial server start --db postgres...}) in a
 * child JVM on the test class path, with a fixed node id and port, so a test can SIGKILL it, freeze
 * it (SIGSTOP/SIGCONT) and start it again with the same identity. Its output goes to its own log
 * file (appended across restarts). Readiness is the cluster health status {@value #READY_SERVICE}:
 * SERVING once the node holds every shard the assignment gives it.
 */
final class ClusterNodeProcess implements AutoCloseable {

  static final String MAIN_CLASS = "dev.sundial.cli.SundialCommand";
  static final String READY_SERVICE = "sundial.cluster.ready";

  private final String nodeId;
  private final int port;
  private final int uiPort;
  private final String dbUrl; // postgres URL with ?schema=...; may carry a password
  private final Path logFile;
  private final Map<String, String> systemProperties;
  private volatile Process process;
  private boolean hookAdded;
  private boolean paused;
  private int starts;
  private ManagedChannel healthChannel;

  ClusterNodeProcess(
      String nodeId, String dbUrl, Path logFile, Map<String, String> systemProperties) {
    this.nodeId = nodeId;
    this.port = freePort();
    int ui = freePort();
    while (ui == port) {
      ui = freePort();
    }
    this.uiPort = ui;
    this.dbUrl = dbUrl;
    this.logFile = logFile;
    this.systemProperties = systemProperties;
  }

  static int freePort() {
    return ChildJvm.freePort();
  }

  String nodeId() {
    return nodeId;
  }

  int uiPort() {
    return uiPort;
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  Path logFile() {
    return logFile;
  }

  long pid() {
    return process.pid();
  }

  /** Starts the node (does not wait for it to serve). */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(nodeId + " is already running");
    }
    List<String> command = new ArrayList<>();
    command.add(ChildJvm.javaExecutable());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    // Three servers and the test share a small machine: spend less CPU on compilation.
    command.add("-XX:TieredStopAtLevel=1");
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    int publicArgsFrom = command.size();
    command.add(MAIN_CLASS);
    command.addAll(
        List.of(
            "server",
            "start",
            "--ip",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--ui-port",
            Integer.toString(uiPort),
            "--metrics-port",
            "0", // a free one: --port + 2000 may be taken on a test machine
            "--node-id",
            nodeId,
            "--db",
            dbUrl,
            "--log-level",
            "info"));
    List<String> shown = new ArrayList<>(command.subList(publicArgsFrom, command.size()));
    systemProperties.forEach((k, v) -> shown.add(0, "-D" + k + "=" + v));
    process = ChildJvm.launch(command, logFile, String.format(
        "%n==== %s start #%d at %s: %s%n", nodeId, ++starts, Instant.now(), String.join(" ", shown)));
    paused = false;
    if (!hookAdded) {
      // If the test JVM dies without closing us, do not leave servers behind.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    Process p = process;
                    if (p != null && p.isAlive()) {
                      p.destroyForcibly();
                    }
                  },
                  "stop-" + nodeId));
      hookAdded = true;
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** One readiness check; false when the node does not answer SERVING right now. */
  boolean isReady() {
    if (!isAlive()) {
      return false;
    }
    try {
      ManagedChannel channel = healthChannel();
      // After a restart on the same port, do not wait out the channel's reconnect backoff.
      channel.resetConnectBackoff();
      return HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(1, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(READY_SERVICE).build())
              .getStatus()
          == ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** Waits until the node reports ready; fails with the log tail when it exits or times out. */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isReady()) {
      if (!isAlive()) {
        throw new AssertionError(
            nodeId + " exited with code " + process.exitValue() + " before ready\n" + logTail(80));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(nodeId + " was not ready within " + timeout + "\n" + logTail(80));
      }
      pause(50);
    }
  }

  /** SIGKILL (Process.destroyForcibly on Linux), then waits for the process to be gone. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(nodeId + " did not exit after SIGKILL");
    }
    paused = false;
    appendMarker("killed with SIGKILL by the test");
  }

  /** Freezes the JVM (SIGSTOP): it keeps its sockets and state but runs nothing. */
  synchronized void freeze() {
    signal("STOP");
    paused = true;
    appendMarker("frozen with SIGSTOP by the test");
  }

  /** Resumes a frozen JVM (SIGCONT). */
  synchronized void resume() {
    signal("CONT");
    paused = false;
    appendMarker("resumed with SIGCONT by the test");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * A line in the node's log so its output can be read against the test's actions. Written by a
   * second appender on the same file; a frozen or dead process does not write concurrently.
   */
  private void appendMarker(String what) {
    try {
      Files.writeString(
          logFile,
          String.format("==== %s %s at %s%n", nodeId, what, Instant.now()),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      // only a marker
    }
  }

  /** Stops the node: SIGCONT if frozen, SIGTERM, then SIGKILL if it does not stop in time. */
  @Override
  public synchronized void close() {
    if (healthChannel != null) {
      healthChannel.shutdownNow();
      healthChannel = null;
    }
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      if (paused) {
        signal("CONT");
        paused = false;
      }
    } catch (RuntimeException | AssertionError e) {
      // SIGKILL below works on a stopped process too
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized ManagedChannel healthChannel() {
    if (healthChannel == null) {
      healthChannel = ManagedChannelBuilder.forTarget(target()).usePlaintext().build();
    }
    return healthChannel;
  }

  String log() {
    try {
      return Files.readString(logFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String logTail(int lines) {
    List<String> all = List.of(log().split("\\R"));
    return "---- last lines of "
        + logFile.toAbsolutePath()
        + " ----\n"
        + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
