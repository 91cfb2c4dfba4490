package dev.sundial.bench;

import ch.qos.logback.classic.Level;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Load generator: drives a Temporal-API server through the official Java SDK (a WorkerFactory on a
 * unique task queue plus a WorkflowClient) and reports throughput and start-to-result latency.
 * Bounded by a workflow count and a duration limit; talks to loopback only.
 */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    version = "sundial bench loadgen",
    sortOptions = false,
    description =
        "Run a workload (N workflows, or N queries) from C client threads and report"
            + " throughput and latency.")
public final class LoadGen implements Callable<Integer> {

  /** The workloads; each maps to a {@link Workload} subclass. */
  enum Kind {
    ACTIVITIES,
    SIGNALS,
    TIMERS,
    CHILDREN,
    QUERY,
    UPDATES,
    STANDALONE;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--target",
      paramLabel = "<host:port>",
      description = "Temporal-API gRPC endpoint on loopback. Default: an embedded Sundial.")
  String target;

  @Option(
      names = "--namespace",
      defaultValue = "default",
      paramLabel = "<name>",
      description = "Namespace to run in. Default: ${DEFAULT-VALUE}.")
  String namespace;

  @Option(
      names = "--workload",
      defaultValue = "activities",
      paramLabel = "<name>",
      description = "Workload: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  Kind workload;

  @Option(
      names = "--activities",
      defaultValue = "1",
      paramLabel = "<K>",
      description = "Sequential activities per workflow (0 or more). Default: ${DEFAULT-VALUE}.")
  int activities;

  @Option(
      names = "--signals",
      defaultValue = "10",
      paramLabel = "<N>",
      description = "signals: signals per workflow. Default: ${DEFAULT-VALUE}.")
  int signals;

  @Option(
      names = "--timer-ms",
      defaultValue = "1000",
      paramLabel = "<ms>",
      description = "timers: the durable sleep per workflow. Default: ${DEFAULT-VALUE}.")
  long timerMs;

  @Option(
      names = "--children",
      defaultValue = "3",
      paramLabel = "<N>",
      description = "children: child workflows per parent. Default: ${DEFAULT-VALUE}.")
  int children;

  @Option(
      names = "--queries",
      defaultValue = "2000",
      paramLabel = "<N>",
      description =
          "query: queries in total, over C running workflows. Default: ${DEFAULT-VALUE}.")
  int queries;

  @Option(
      names = "--updates",
      defaultValue = "5",
      paramLabel = "<N>",
      description = "updates: sequential updates per workflow. Default: ${DEFAULT-VALUE}.")
  int updates;

  @Option(
      names = "--eager-start",
      description =
          "Start workflows with eager workflow start (WorkflowOptions.setDisableEagerExecution"
              + "(false)): the first workflow task comes back with the start response.")
  boolean eagerStart;

  @Option(
      names = "--workflows",
      defaultValue = "1000",
      paramLabel = "<N>",
      description =
          "Workflows to run (query: unused, it queries C workflows). Default: ${DEFAULT-VALUE}.")
  int workflows;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      paramLabel = "<C>",
      description =
          "Client threads, one workflow (or query) at a time each. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(
      names = "--duration-limit",
      defaultValue = "300",
      paramLabel = "<seconds>",
      description = "Stop after this many seconds even if not done. Default: ${DEFAULT-VALUE}.")
  int durationLimitSeconds;

  @Override
  public Integer call() throws Exception {
    validate();
    quietSdkLogging();
    PrintWriter out = spec.commandLine().getOut();

    BenchTarget server;
    if (target == null) {
      out.println("No --target given: starting an embedded Sundial on a temporary SQLite file.");
      out.flush();
      try {
        server = BenchTarget.embedded(namespace);
      } catch (RuntimeException e) {
        spec.commandLine().getErr().println("Failed to start an embedded Sundial: " + e);
        return 1;
      }
    } else {
      try {
        server = BenchTarget.remote(target);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    try (server) {
      if (!reachable(server, out)) {
        return 1;
      }
      String runId = "bench-" + UUID.randomUUID();
      String taskQueue = runId;
      Workload load = newWorkload();
      Duration limit = Duration.ofSeconds(durationLimitSeconds);
      WorkflowClient client =
          WorkflowClient.newInstance(
              server.stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
      load.bind(client, taskQueue, runId, limit, eagerStart);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      load.register(factory.newWorker(taskQueue));
      factory.start();

      int units = load.units(workflows);
      out.printf(
          Locale.ROOT,
          "Target: %s, namespace %s, task queue %s%n"
              + "Store: %s%n"
              + "Workload: %s (%s), %d %s, concurrency %d, limit %d s%n",
          server.description,
          namespace,
          taskQueue,
          store(server),
          workload,
          load.describe(),
          units,
          plural(load.unit()),
          concurrency,
          durationLimitSeconds);
      out.flush();

      LoadRun run = new LoadRun(load, units, concurrency, limit);
      ScheduledExecutorService progress =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "bench-progress");
                t.setDaemon(true);
                return t;
              });
      progress.scheduleAtFixedRate(
          () -> {
            out.printf(
                "  ... %d/%d %s completed, %d errors%n",
                run.completedSoFar(), units, plural(load.unit()), run.errorsSoFar());
            out.flush();
          },
          10,
          10,
          TimeUnit.SECONDS);
      LoadRun.Result result;
      try {
        try {
          load.setUp();
        } catch (TimeoutException | RuntimeException e) {
          spec.commandLine().getErr().println("Workload set-up failed: " + LoadRun.describe(e));
          load.tearDown(run);
          return 1;
        }
        result = run.run();
      } finally {
        progress.shutdownNow();
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      report(result, load, server, out);
      return result.completed() == units && result.errors() == 0 ? 0 : 1;
    }
  }

  private Workload newWorkload() {
    return switch (workload) {
      case ACTIVITIES -> new WorkloadActivities(activities);
      case SIGNALS -> new WorkloadSignals(signals);
      case TIMERS -> new WorkloadTimers(timerMs);
      case CHILDREN -> new WorkloadChildren(children);
      case QUERY -> new WorkloadQuery(concurrency, queries);
      case UPDATES -> new WorkloadUpdates(updates);
      case STANDALONE -> new WorkloadStandaloneActivities();
    };
  }

  /** What durability the numbers were measured with (never a non-fsync config silently). */
  private static String store(BenchTarget server) {
    return server.isEmbedded()
        ? "SQLite file, WAL, synchronous=FULL (fsync on every commit)"
        : "as configured on the target (not visible to the load generator)";
  }

  private void validate() {
    if (workflows < 1) {
      throw new ParameterException(spec.commandLine(), "--workflows must be at least 1");
    }
    if (concurrency < 1 || concurrency > 10_000) {
      throw new ParameterException(spec.commandLine(), "--concurrency must be 1..10000");
    }
    if (activities < 0 || activities > 1_000) {
      throw new ParameterException(spec.commandLine(), "--activities must be 0..1000");
    }
    requireRange("--signals", signals, 1, 1_000);
    requireRange("--timer-ms", timerMs, 1, 86_400_000);
    requireRange("--children", children, 1, 1_000);
    requireRange("--queries", queries, 1, 100_000_000);
    requireRange("--updates", updates, 1, 1_000);
    if (durationLimitSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--duration-limit must be at least 1");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--namespace must not be empty");
    }
  }

  private void requireRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ParameterException(
          spec.commandLine(), option + " must be " + min + ".." + max + " but was " + value);
    }
  }

  /** A GetSystemInfo call, so an unreachable target fails fast with one clear line. */
  private static boolean reachable(BenchTarget server, PrintWriter out) {
    try {
      server.stubs
          .blockingStub()
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return true;
      }
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      out.println(
          "Cannot reach "
              + server.description
              + ": "
              + e.getStatus().getCode()
              + (cause != e ? " (" + cause.getMessage() + ")" : ""));
      out.flush();
      return false;
    }
  }

  private void report(LoadRun.Result r, Workload load, BenchTarget server, PrintWriter out) {
    LatencySummary l = r.latency();
    out.printf(
        Locale.ROOT,
        "Completed %d of %d %s in %.2f s: %d errors, %d unfinished%n",
        r.completed(),
        r.requested(),
        plural(load.unit()),
        r.elapsedSeconds(),
        r.errors(),
        r.unfinished());
    out.printf(Locale.ROOT, "Throughput: %.1f %s/s%n", r.throughput(), plural(load.unit()));
    Workload.printLatency(out, "Latency (" + load.latencyMeaning() + ")", l);
    load.report(out);
    r.errorKinds().entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(5)
        .forEach(e -> out.printf("  error x%d: %s%n", e.getValue(), e.getKey()));
    // One line, stable keys: other scripts (side by side, docs) parse it.
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("workload", workload.toString());
    f.put("unit", load.unit());
    f.put("workflows", load.workflowsStarted(workflows));
    f.put("units", r.requested());
    f.put("concurrency", concurrency);
    f.put("completed", r.completed());
    f.put("errors", r.errors());
    f.put("unfinished", r.unfinished());
    f.put("seconds", r.elapsedSeconds());
    f.put("throughput_per_s", r.throughput());
    f.put("p50_ms", l.p50Ms());
    f.put("p95_ms", l.p95Ms());
    f.put("p99_ms", l.p99Ms());
    f.put("max_ms", l.maxMs());
    load.json(f);
    f.put("target", server.isEmbedded() ? "embedded" : target);
    f.put("store", store(server));
    f.put("namespace", namespace);
    f.put("eager_start", eagerStart);
    f.put("tool", "sundial-loadgen");
    out.println(toJson(f));
    out.flush();
  }

  private static String plural(String unit) {
    return unit.endsWith("y") ? unit.substring(0, unit.length() - 1) + "ies" : unit + "s";
  }

  private static String toJson(Map<String, Object> fields) {
    return fields.entrySet().stream()
        .map(e -> json(e.getKey()) + ":" + jsonValue(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static String jsonValue(Object v) {
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.3f", d);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return json(String.valueOf(v));
  }

  /** A JSON string literal (quotes, backslashes and control characters escaped). */
  static String json(String s) {
    return s.chars()
        .mapToObj(
            c ->
                c == '"' || c == '\\'
                    ? "\\" + (char) c
                    : c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
        .collect(Collectors.joining("", "\"", "\""));
  }

  /**
   * Root at INFO (logback's default without a config is DEBUG: engine and gRPC per-frame lines
   * would be charged to the load generator); the SDK's INFO lines (worker start and stop) would
   * drown the report.
   */
  static void quietSdkLogging() {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.INFO);
    }
    if (LoggerFactory.getLogger("io.temporal") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(Level.WARN);
    }
  }

  /**
   * Runs the load generator with command-line arguments, printing to out/err, and returns the
   * exit status (0 only if every unit completed correctly). For scripts and other bench tools.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new LoadGen()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
  }
}
