package dev.sundial.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One server under test, run as a child JVM with the same JVM flags whichever server it is, so
 * its CPU can be read from /proc and nothing it does is charged to the load generator. Listens
 * on 127.0.0.1 only; its output goes to a log file in the run's work directory.
 */
final class ServerProcess implements AutoCloseable {

  /** The servers the comparison knows how to start. */
  enum Kind {
    SUNDIAL_SQLITE("sundial-sqlite", "Sundial standalone, SQLite WAL, fsync on every commit"),
    SUNDIAL_POSTGRES("sundial-postgres", "Sundial standalone, PostgreSQL, durable commits"),
    TEST_SERVER("test-server", "SDK in-memory test server, nothing durable");

    final String label;
    final String durability;

    Kind(String label, String durability) {
      this.label = label;
      this.durability = durability;
    }
  }

  final Kind kind;
  final int port;
  final Path log;
  private final Path dir;
  private final Process process;
  private final boolean keep;

  private ServerProcess(Kind kind, int port, Path dir, Path log, Process process, boolean keep) {
    this.keep = keep;
    this.kind = kind;
    this.port = port;
    this.dir = dir;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts {@code kind} in a fresh directory under {@code workDir} (the SQLite file lives there).
   *
   * @param sundialJar the sundial-cli shaded jar (Sundial kinds)
   * @param postgresUrl the --db URL (SUNDIAL_POSTGRES only)
   */
  static ServerProcess start(
      Kind kind,
      Path sundialJar,
      String postgresUrl,
      List<String> jvmOpts,
      Path workDir,
      boolean keep)
      throws IOException {
    Path dir = Files.createTempDirectory(workDir, kind.label + "-");
    int port = freeLoopbackPort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOpts);
    switch (kind) {
      case TEST_SERVER -> {
        // The test server's classes are in the bench jar this JVM runs from.
        cmd.add("-cp");
        cmd.add(absoluteClassPath());
        cmd.add(ServerProcessTestServerMain.class.getName());
        cmd.add(Integer.toString(port));
      }
      case SUNDIAL_SQLITE, SUNDIAL_POSTGRES -> {
        cmd.addAll(List.of("-jar", sundialJar.toAbsolutePath().toString(), "server", "start"));
        cmd.addAll(List.of("--ip", "127.0.0.1", "--port", Integer.toString(port)));
        cmd.addAll(List.of("--ui-port", Integer.toString(freeLoopbackPort())));
        if (kind == Kind.SUNDIAL_SQLITE) {
          cmd.addAll(List.of("--db-filename", dir.resolve("sundial.db").toString()));
        } else {
          cmd.addAll(List.of("--db", postgresUrl));
        }
      }
    }
    Path log = dir.resolve("server.log");
    Files.writeString(log, String.join(" ", redact(cmd)) + "\n", StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new ServerProcess(kind, port, dir, log, p, keep);
  }

  String pid() {
    return Long.toString(process.pid());
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  /** Polls GetSystemInfo until the server answers; fails early if the process exits. */
  void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              kind.label + " exited with code " + process.exitValue() + " at start; log:\n"
                  + tail());
        }
        try {
          stubs
              .blockingStub()
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
          return;
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
            return; // answering, just without that call
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              kind.label + " did not answer GetSystemInfo within " + timeout + "; log:\n" + tail());
        }
        try {
          Thread.sleep(100); // between polls of a condition with a deadline
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The last lines of the server's log, for error messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** SIGTERM, then SIGKILL after 20 s; removes the directory (and SQLite file) afterwards. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (keep) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  /** This JVM's class path made absolute: the child runs in its own directory. */
  private static String absoluteClassPath() {
    String sep = System.getProperty("path.separator");
    return Arrays.stream(System.getProperty("java.class.path").split(Pattern.quote(sep)))
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(sep));
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The command line for the log, without a password in a database URL. */
  private static List<String> redact(List<String> cmd) {
    return cmd.stream().map(a -> a.replaceAll("(://[^:/@]+:)[^@/]*@", "$1***@")).toList();
  }
}
