package dev.sundial.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
    description = "Start N workflows from C client threads and report throughput and latency.")
public final class LoadGen implements Callable<Integer> {

  /** Workloads; only one so far. */
  enum Workload {
    ACTIVITIES;

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
  Workload workload;

  @Option(
      names = "--activities",
      defaultValue = "1",
      paramLabel = "<K>",
      description = "Sequential activities per workflow (0 or more). Default: ${DEFAULT-VALUE}.")
  int activities;

  @Option(
      names = "--workflows",
      defaultValue = "1000",
      paramLabel = "<N>",
      description = "Workflows to run. Default: ${DEFAULT-VALUE}.")
  int workflows;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      paramLabel = "<C>",
      description = "Client threads, one workflow at a time each. Default: ${DEFAULT-VALUE}.")
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
      WorkflowClient client =
          WorkflowClient.newInstance(
              server.stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
      WorkerFactory factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(taskQueue);
      worker.registerWorkflowImplementationTypes(ActivitiesWorkflow.Impl.class);
      worker.registerActivitiesImplementations(new EchoActivities.Impl());
      factory.start();

      out.printf(
          Locale.ROOT,
          "Target: %s, namespace %s, task queue %s%n"
              + "Workload: %s (activities per workflow: %d), %d workflows, concurrency %d,"
              + " limit %d s%n",
          server.description,
          namespace,
          taskQueue,
          workload,
          activities,
          workflows,
          concurrency,
          durationLimitSeconds);
      out.flush();

      LoadRun run =
          new LoadRun(
              client,
              taskQueue,
              runId,
              workflows,
              concurrency,
              activities,
              Duration.ofSeconds(durationLimitSeconds));
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
                "  ... %d/%d completed, %d errors%n",
                run.completedSoFar(), workflows, run.errorsSoFar());
            out.flush();
          },
          10,
          10,
          TimeUnit.SECONDS);
      LoadRun.Result result;
      try {
        result = run.run();
      } finally {
        progress.shutdownNow();
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      report(result, server, out);
      return result.completed() == workflows && result.errors() == 0 ? 0 : 1;
    }
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
    if (durationLimitSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--duration-limit must be at least 1");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--namespace must not be empty");
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

  private void report(LoadRun.Result r, BenchTarget server, PrintWriter out) {
    LatencySummary l = r.latency();
    out.printf(
        Locale.ROOT,
        "Completed %d of %d workflows in %.2f s: %d errors, %d unfinished%n",
        r.completed(),
        r.requested(),
        r.elapsedSeconds(),
        r.errors(),
        r.unfinished());
    out.printf(Locale.ROOT, "Throughput: %.1f workflows/s%n", r.throughput());
    out.printf(
        Locale.ROOT,
        "Latency (start to result): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        l.p50Ms(),
        l.p95Ms(),
        l.p99Ms(),
        l.maxMs());
    r.errorKinds().entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(5)
        .forEach(e -> out.printf("  error x%d: %s%n", e.getValue(), e.getKey()));
    out.println(
        String.format(
            Locale.ROOT,
            "{\"tool\":\"sundial-loadgen\",\"target\":%s,\"embedded\":%s,\"namespace\":%s,"
                + "\"workload\":\"%s\",\"activities\":%d,\"workflows\":%d,\"concurrency\":%d,"
                + "\"completed\":%d,\"errors\":%d,\"unfinished\":%d,\"elapsedSec\":%.3f,"
                + "\"throughputPerSec\":%.2f,\"p50Ms\":%.2f,\"p95Ms\":%.2f,\"p99Ms\":%.2f,"
                + "\"maxMs\":%.2f}",
            json(server.isEmbedded() ? "embedded" : target),
            server.isEmbedded(),
            json(namespace),
            workload,
            activities,
            workflows,
            concurrency,
            r.completed(),
            r.errors(),
            r.unfinished(),
            r.elapsedSeconds(),
            r.throughput(),
            l.p50Ms(),
            l.p95Ms(),
            l.p99Ms(),
            l.maxMs()));
    out.flush();
  }

  private static String json(String s) {
    return s.chars()
        .mapToObj(
            c ->
                c == '"' || c == '\\'
                    ? "\\" + (char) c
                    : c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c))
        .collect(Collectors.joining("", "\"", "\""));
  }

  /** The SDK's INFO lines (worker start and stop) would drown the report. */
  private static void quietSdkLogging() {
    if (LoggerFactory.getLogger("io.temporal") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  public static void main(String[] args) {
    int code =
        new CommandLine(new LoadGen()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }
}
