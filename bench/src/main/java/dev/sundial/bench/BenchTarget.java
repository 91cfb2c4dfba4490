package dev.sundial.bench;

import dev.sundial.server.Sundial;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The server under load: a gRPC endpoint on loopback, or an embedded Sundial on a temp file. */
final class BenchTarget implements AutoCloseable {

  final WorkflowServiceStubs stubs;
  final String description;
  private final Sundial embedded;
  private final Path tempDir;

  private BenchTarget(WorkflowServiceStubs stubs, String description, Sundial embedded, Path dir) {
    this.stubs = stubs;
    this.description = description;
    this.embedded = embedded;
    this.tempDir = dir;
  }

  /** Connects to host:port; refuses anything that is not a loopback address. */
  static BenchTarget remote(String target) {
    requireLoopback(target);
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    return new BenchTarget(stubs, target, null, null);
  }

  /** Starts Sundial in this JVM on a fresh SQLite file and talks to it in-process. */
  static BenchTarget embedded(String namespace) {
    Path dir;
    try {
      dir = Files.createTempDirectory("sundial-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path db = dir.resolve("bench.db");
    Sundial.Builder builder = Sundial.builder().dbFile(db);
    if (!namespace.equals("default")) {
      builder.namespace(namespace);
    }
    Sundial sundial;
    try {
      sundial = builder.start();
    } catch (RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    return new BenchTarget(
        sundial.newWorkflowServiceStubs(),
        "embedded Sundial (in-process channel, SQLite " + sundial.dataLocation() + ")",
        sundial,
        dir);
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  static void requireLoopback(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1) {
      throw new IllegalArgumentException("--target must be host:port but was '" + target + "'");
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--target port is not a number in '" + target + "'");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--target host '" + host + "' does not resolve");
    }
    for (InetAddress address : addresses) {
      if (!address.isLoopbackAddress()) {
        throw new IllegalArgumentException(
            "--target must be a loopback address (the load generator only runs locally), but '"
                + host
                + "' resolves to "
                + address.getHostAddress());
      }
    }
  }

  @Override
  public void close() {
    stubs.shutdown();
    stubs.awaitTermination(10, TimeUnit.SECONDS);
    if (embedded != null) {
      embedded.close();
      deleteRecursively(tempDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
