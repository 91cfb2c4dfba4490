package dev.sundial.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The open-workflows workload against a running server, with the official Java SDK (client and
 * worker in this process):
 *
 * <ul>
 *   <li>{@code start}: starts N workflows that each sleep D; waits until every one reached its
 *       sleep (its first workflow task ran on the worker, so the server holds a durable timer);
 *       prints the start rate.
 *   <li>{@code wake}: starts N workflows that all sleep until one instant T, then run one
 *       activity; lateness = when the worker starts that activity minus T (timer firing plus
 *       workflow task and activity dispatch: what a user sees).
 *   <li>{@code restart}: kills the server with SIGKILL, starts it again with the given command,
 *       and measures from process start until GetSystemInfo answers and until a new workflow
 *       completes.
 * </ul>
 *
 * Each mode prints a one-line JSON summary last.
 */
@Command(name = "open-workflows", mixinStandardHelpOptions = true)
public final class OpenWorkflows implements Callable<Integer> {

  @WorkflowInterface
  public interface SleepWorkflow {
    /** Sleeps until wakeAtMillis (when > 0) or for sleepMillis, then runs one activity. */
    @WorkflowMethod(name = "OpenSleep")
    long run(long wakeAtMillis, long sleepMillis);
  }

  @ActivityInterface
  public interface WakeActivities {
    long woke(long wakeAtMillis);
  }

  /** Workflow ids that reached their sleep (set from workflow code: a bench-only side channel). */
  static final Set<String> SLEEPING = ConcurrentHashMap.newKeySet();
  /** Wake mode: workflows whose first task ran at or after T (they never slept: T was too soon). */
  static final Set<String> MISSED_T = ConcurrentHashMap.newKeySet();
  static final LatencySummary.Recorder LATENESS = new LatencySummary.Recorder();
  static final AtomicInteger WOKEN = new AtomicInteger();

  public static final class SleepWorkflowImpl implements SleepWorkflow {
    private final WakeActivities activities =
        Workflow.newActivityStub(
            WakeActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(60)).build());

    @Override
    public long run(long wakeAtMillis, long sleepMillis) {
      SLEEPING.add(Workflow.getInfo().getWorkflowId());
      long d = wakeAtMillis > 0 ? wakeAtMillis - Workflow.currentTimeMillis() : sleepMillis;
      if (d > 0) {
        Workflow.sleep(Duration.ofMillis(d));
      } else if (wakeAtMillis > 0) {
        MISSED_T.add(Workflow.getInfo().getWorkflowId());
      }
      return activities.woke(wakeAtMillis);
    }
  }

  public static final class WakeActivitiesImpl implements WakeActivities {
    @Override
    public long woke(long wakeAtMillis) {
      long late = System.currentTimeMillis() - wakeAtMillis;
      if (wakeAtMillis > 0) {
        LATENESS.add(Math.max(0, late) * 1_000_000L);
        WOKEN.incrementAndGet();
      }
      return late;
    }
  }

  @Option(names = "--mode", required = true, description = "start | wake | restart")
  String mode;

  @Option(names = "--target", defaultValue = "127.0.0.1:7233")
  String target;

  @Option(names = "--workflows", defaultValue = "1000")
  int workflows;

  @Option(names = "--concurrency", defaultValue = "32", description = "client threads starting workflows")
  int concurrency;

  @Option(names = "--sleep-seconds", defaultValue = "3600", description = "start mode: sleep length")
  long sleepSeconds;

  @Option(names = "--wake-in-seconds", defaultValue = "0",
      description = "wake mode: T = now + this (0: N/100 + 30 s, enough for starts at 100/s)")
  long wakeInSeconds;

  @Option(names = "--wait-seconds", defaultValue = "1800", description = "give up after this long")
  long waitSeconds;

  @Option(names = "--task-queue", defaultValue = "open-workflows")
  String taskQueue;

  @Option(names = "--worker-cache", defaultValue = "1000", description = "worker's sticky workflow cache")
  int workerCache;

  @Option(names = "--pollers", defaultValue = "16", description = "worker pollers per task kind")
  int pollers;

  @Option(names = "--server-pid", description = "restart mode: the server process to kill")
  long serverPid;

  @Option(names = "--server-cmd", description = "restart mode: file with the server command line, one argument a line")
  File serverCmd;

  @Option(names = "--server-log", description = "restart mode: where the new server's output goes")
  File serverLog;

  @Option(names = "--pid-file", description = "restart mode: the new server's pid is written here")
  File pidFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new OpenWorkflows()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return switch (mode) {
      case "start" -> startAndSleep(0, sleepSeconds * 1000);
      case "wake" -> {
        long lead = wakeInSeconds > 0 ? wakeInSeconds : workflows / 100 + 30;
        yield startAndSleep(System.currentTimeMillis() + lead * 1000, 0);
      }
      case "restart" -> restart();
      default -> throw new CommandLine.ParameterException(
          new CommandLine(this), "--mode must be start, wake or restart, not '" + mode + "'");
    };
  }

  private WorkflowServiceStubs stubs() {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
  }

  private WorkerFactory worker(WorkflowClient client) {
    WorkerFactory factory =
        WorkerFactory.newInstance(
            client, WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(workerCache).build());
    Worker w = factory.newWorker(taskQueue, WorkerOptions.newBuilder()
        .setMaxConcurrentWorkflowTaskPollers(pollers)
        .setMaxConcurrentActivityTaskPollers(pollers)
        .build());
    w.registerWorkflowImplementationTypes(SleepWorkflowImpl.class);
    w.registerActivitiesImplementations(new WakeActivitiesImpl());
    factory.start();
    return factory;
  }

  private int startAndSleep(long wakeAtMillis, long sleepMillis) throws Exception {
    WorkflowServiceStubs service = stubs();
    WorkflowClient client = WorkflowClient.newInstance(service);
    WorkerFactory factory = worker(client);
    String prefix = "open-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    for (int c = 0; c < concurrency; c++) {
      pool.execute(() -> {
        int i;
        while ((i = next.getAndIncrement()) < workflows && System.nanoTime() < deadline) {
          try {
            SleepWorkflow wf =
                client.newWorkflowStub(
                    SleepWorkflow.class,
                    WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(prefix + i).build());
            WorkflowClient.start(wf::run, wakeAtMillis, sleepMillis);
          } catch (RuntimeException e) {
            if (errors.incrementAndGet() <= 5) System.err.println("start failed: " + e);
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(waitSeconds, TimeUnit.SECONDS);
    double startSeconds = (System.nanoTime() - t0) / 1e9;
    int started = Math.min(next.get(), workflows) - errors.get();
    System.out.printf(Locale.ROOT, "started %d workflows in %.1f s (%.0f/s), %d errors%n",
        started, startSeconds, started / startSeconds, errors.get());
    while (SLEEPING.size() < started && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(200); // a load generator waiting for its worker, not a test
    }
    double sleepingSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%d workflows sleeping after %.1f s%n", SLEEPING.size(), sleepingSeconds);
    String json;
    if (wakeAtMillis > 0) {
      while (WOKEN.get() < started && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      double lastWokeAfterT = (System.currentTimeMillis() - wakeAtMillis) / 1000.0;
      LatencySummary l = LATENESS.summary();
      LatencySummary fired = firedLateness(service, prefix, started, wakeAtMillis);
      System.out.printf(Locale.ROOT,
          "server view (TimerFired - due, %d sampled histories): p50 %.0f ms p95 %.0f ms p99 %.0f ms max %.0f ms%n",
          fired.count(), fired.p50Ms(), fired.p95Ms(), fired.p99Ms(), fired.maxMs());
      System.out.printf(Locale.ROOT,
          "%d of %d woke; lateness (activity start - T) p50 %.0f ms p95 %.0f ms p99 %.0f ms max %.0f ms;"
              + " %d reached their sleep only after T%s%n",
          WOKEN.get(), started, l.p50Ms(), l.p95Ms(), l.p99Ms(), l.maxMs(), MISSED_T.size(),
          MISSED_T.isEmpty() ? "" : " (INVALID run: raise --wake-in-seconds)");
      json = String.format(Locale.ROOT,
          "{\"workload\":\"open-workflows-wake\",\"workflows\":%d,\"errors\":%d,\"startPerSec\":%.1f,"
              + "\"woken\":%d,\"latenessMs\":{\"p50\":%.0f,\"p95\":%.0f,\"p99\":%.0f,\"max\":%.0f},"
              + "\"timerFiredLatenessMs\":{\"sampled\":%d,\"p50\":%.0f,\"p99\":%.0f,\"max\":%.0f},"
              + "\"reachedSleepAfterT\":%d,\"allWokeWithinSec\":%.1f}",
          started, errors.get(), started / startSeconds, WOKEN.get(), l.p50Ms(), l.p95Ms(), l.p99Ms(),
          l.maxMs(), fired.count(), fired.p50Ms(), fired.p99Ms(), fired.maxMs(), MISSED_T.size(),
          lastWokeAfterT);
    } else {
      json = String.format(Locale.ROOT,
          "{\"workload\":\"open-workflows\",\"workflows\":%d,\"errors\":%d,\"startSeconds\":%.1f,"
              + "\"startPerSec\":%.1f,\"sleeping\":%d,\"allSleepingAfterSec\":%.1f}",
          started, errors.get(), startSeconds, started / startSeconds, SLEEPING.size(), sleepingSeconds);
    }
    stop(factory, service);
    System.out.println(json);
    return errors.get() == 0 ? 0 : 1;
  }

  /**
   * CPU time (user + system) a process has used, from /proc (clock ticks of 10 ms); -1 elsewhere.
   * On a busy machine wall-clock restart times include waiting for a core; this does not.
   */
  static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * The server's own firing lateness on a sample of up to 1000 workflows: the TimerFired event's
   * time minus the time it was due (TimerStarted event time + its start-to-fire timeout), both as
   * stamped by the server. Due is T plus the worker's time on the task that started the timer.
   */
  private static LatencySummary firedLateness(
      WorkflowServiceStubs service, String prefix, int started, long wakeAtMillis) {
    LatencySummary.Recorder r = new LatencySummary.Recorder();
    int step = Math.max(1, started / 1000);
    String ns = "default";
    for (int i = 0; i < started; i += step) {
      try {
        var history = service.blockingStub().getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace(ns)
                .setExecution(WorkflowExecution.newBuilder()
                    .setWorkflowId(prefix + i))
                .build());
        long due = -1;
        for (var e : history.getHistory().getEventsList()) {
          long at = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000;
          if (e.hasTimerStartedEventAttributes()) {
            var d = e.getTimerStartedEventAttributes().getStartToFireTimeout();
            due = at + d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
          } else if (e.hasTimerFiredEventAttributes() && due >= 0) {
            r.add(Math.max(0, at - due) * 1_000_000L);
          }
        }
      } catch (RuntimeException e) {
        System.err.println("history of " + prefix + i + ": " + e);
      }
    }
    return r.summary();
  }

  private static void stop(WorkerFactory factory, WorkflowServiceStubs service) {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdown();
  }

  /** One short workflow end to end (sleep 0, one activity) on a fresh worker. */
  private void oneWorkflow(WorkflowClient client) throws TimeoutException {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "OpenSleep",
            WorkflowOptions.newBuilder().setTaskQueue(taskQueue)
                .setWorkflowId("probe-" + UUID.randomUUID()).build());
    stub.start(0L, 0L);
    stub.getResult(60, TimeUnit.SECONDS, Long.class);
  }

  private int restart() throws Exception {
    if (serverPid <= 0 || serverCmd == null || serverLog == null) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "restart mode needs --server-pid, --server-cmd and --server-log");
    }
    List<String> cmd = new ArrayList<>(Files.readAllLines(serverCmd.toPath()));
    cmd.removeIf(String::isBlank);
    // Warm up this JVM (SDK classes, gRPC) against the running server, so the figures below are
    // the server's restart, not this process's class loading.
    WorkflowServiceStubs warm = stubs();
    WorkerFactory warmWorker = worker(WorkflowClient.newInstance(warm));
    oneWorkflow(WorkflowClient.newInstance(warm));
    stop(warmWorker, warm);

    ProcessHandle old = ProcessHandle.of(serverPid).orElseThrow(
        () -> new IllegalStateException("no process " + serverPid));
    old.destroyForcibly(); // SIGKILL
    old.onExit().get(30, TimeUnit.SECONDS);

    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog)).start();
    if (pidFile != null) Files.writeString(pidFile.toPath(), Long.toString(p.pid()));
    long deadline = t0 + TimeUnit.SECONDS.toNanos(waitSeconds);
    // A fresh channel per attempt: one channel backs off (1 s, 1.6 s, ...) after refused
    // connections, which would hide when the server really became ready.
    WorkflowServiceStubs service;
    while (true) {
      service = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(target).setRpcTimeout(Duration.ofMillis(500))
              .build());
      try {
        service.blockingStub().withDeadlineAfter(500, TimeUnit.MILLISECONDS)
            .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        break;
      } catch (RuntimeException e) {
        service.shutdownNow();
        if (System.nanoTime() > deadline || !p.isAlive()) throw e;
        TimeUnit.MILLISECONDS.sleep(10);
      }
    }
    double systemInfoMs = (System.nanoTime() - t0) / 1e6;
    long cpuToServingMs = cpuMillis(p.pid());
    WorkflowClient client = WorkflowClient.newInstance(service);
    WorkerFactory factory = worker(client);
    oneWorkflow(client);
    double firstWorkflowMs = (System.nanoTime() - t0) / 1e6;
    stop(factory, service);
    System.out.printf(Locale.ROOT,
        "restart: GetSystemInfo answered %.0f ms after process start (server CPU by then %d ms),"
            + " a new workflow completed after %.0f ms%n",
        systemInfoMs, cpuToServingMs, firstWorkflowMs);
    System.out.printf(Locale.ROOT,
        "{\"workload\":\"open-workflows-restart\",\"serverPid\":%d,\"systemInfoMs\":%.0f,"
            + "\"serverCpuToServingMs\":%d,\"firstWorkflowMs\":%.0f}%n",
        p.pid(), systemInfoMs, cpuToServingMs, firstWorkflowMs);
    return 0;
  }
}
