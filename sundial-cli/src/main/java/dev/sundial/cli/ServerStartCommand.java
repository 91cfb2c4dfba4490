package dev.sundial.cli;

import dev.sundial.server.Sundial;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sundial server start}: a standalone server on a SQLite file. The flags follow {@code
 * temporal server start-dev} where they apply. Runs until SIGTERM or Ctrl-C, then closes cleanly.
 */
@Command(
    name = "start",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Start a Sundial server (gRPC frontend, SQLite storage) and run until stopped.")
final class ServerStartCommand implements Callable<Integer> {

  static final String DEFAULT_NAMESPACE = "default";

  @Spec CommandSpec spec;

  @Option(
      names = "--ip",
      defaultValue = "127.0.0.1",
      paramLabel = "<address>",
      description = "IP address to bind the gRPC frontend to. Default: ${DEFAULT-VALUE}.")
  String ip;

  @Option(
      names = {"-p", "--port"},
      defaultValue = "7233",
      paramLabel = "<port>",
      description = "Port of the gRPC frontend (0 picks a free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--ui-port",
      paramLabel = "<port>",
      description = "Port for the web UI (not yet served). Default: --port + 1000.")
  Integer uiPort;

  @Option(
      names = {"-f", "--db-filename"},
      defaultValue = "./sundial-data/sundial.db",
      paramLabel = "<file>",
      description =
          "SQLite database file, created with its directory when missing."
              + " Default: ${DEFAULT-VALUE}.")
  Path dbFile;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "<name>",
      description =
          "Namespace to create at start when missing (repeatable; \"default\" always exists).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--log-level",
      defaultValue = "info",
      paramLabel = "<level>",
      converter = LogLevel.Converter.class,
      description = "Log level: debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  LogLevel logLevel;

  @Override
  public Integer call() {
    validate();
    int resolvedUiPort = resolveUiPort();
    Set<String> extraNamespaces = extraNamespaces();
    Path dataFile = dbFile.toAbsolutePath().normalize();

    logLevel.apply();

    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    Sundial.Builder builder = Sundial.builder().dbFile(dataFile).grpc(ip, port);
    extraNamespaces.forEach(builder::namespace);

    Sundial sundial;
    try {
      sundial = builder.start();
    } catch (RuntimeException e) {
      err.println("sundial: failed to start: " + describe(e));
      if (logLevel == LogLevel.DEBUG) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }

    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> stop(sundial, out, err, stopped), "sundial-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    List<String> allNamespaces = new ArrayList<>();
    allNamespaces.add(DEFAULT_NAMESPACE);
    allNamespaces.addAll(extraNamespaces);

    out.println("Sundial " + VersionProvider.sundialVersion() + " started");
    out.println("  gRPC:       " + sundial.grpcTarget());
    out.println(
        "  Web UI:     "
            + uiPortText(resolvedUiPort)
            + " reserved for the web UI (not yet served)");
    out.println("  Data:       " + sundial.dataLocation());
    out.println("  Namespaces: " + String.join(", ", allNamespaces));
    out.println("  Log level:  " + logLevel);
    out.println("Press Ctrl-C to stop.");
    out.flush();

    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (Runtime.getRuntime().removeShutdownHook(hook)) {
        stop(sundial, out, err, stopped);
      }
      return 1;
    }
    return 0;
  }

  private static void stop(Sundial sundial, PrintWriter out, PrintWriter err, CountDownLatch done) {
    try {
      out.println("Stopping Sundial...");
      out.flush();
      sundial.close();
      out.println("Sundial stopped.");
      out.flush();
    } catch (RuntimeException e) {
      err.println("sundial: error while stopping: " + describe(e));
      err.flush();
    } finally {
      done.countDown();
    }
  }

  private void validate() {
    if (ip == null || ip.isBlank()) {
      throw usage("--ip must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw usage("--port must be between 0 and 65535 but was " + port);
    }
    if (uiPort != null && (uiPort < 0 || uiPort > 65535)) {
      throw usage("--ui-port must be between 0 and 65535 but was " + uiPort);
    }
    if (uiPort != null && port != 0 && uiPort.intValue() == port) {
      throw usage("--ui-port must differ from --port (both are " + port + ")");
    }
    if (dbFile.toString().isBlank()) {
      throw usage("--db-filename must not be empty");
    }
    if (Files.isDirectory(dbFile)) {
      throw usage("--db-filename must name a file, but " + dbFile + " is a directory");
    }
    for (String ns : namespaces) {
      if (ns == null || ns.isBlank()) {
        throw usage("--namespace must not be empty");
      }
    }
  }

  private int resolveUiPort() {
    if (uiPort != null) {
      return uiPort;
    }
    if (port == 0) {
      return 0;
    }
    if (port + 1000 > 65535) {
      throw usage("the default --ui-port (--port + 1000 = " + (port + 1000)
          + ") is not a valid port; pass --ui-port explicitly");
    }
    return port + 1000;
  }

  private Set<String> extraNamespaces() {
    Set<String> result = new LinkedHashSet<>();
    for (String ns : namespaces) {
      String name = ns.trim();
      if (!name.equals(DEFAULT_NAMESPACE)) {
        result.add(name);
      }
    }
    return result;
  }

  private static String uiPortText(int uiPort) {
    return uiPort == 0 ? "a free port" : "port " + uiPort;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The messages of an exception and its causes, without repeats, for a one-line error. */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    Set<String> seen = new LinkedHashSet<>();
    for (Throwable t = e; t != null && seen.size() < 5; t = t.getCause()) {
      String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
      if (seen.add(msg) && !sb.toString().contains(msg)) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(msg);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return sb.toString();
  }
}
