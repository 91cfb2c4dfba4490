package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.common.RetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server in a child JVM is killed with SIGKILL several times while 60 workflows run
 * (activities and timers), and restarted on the same SQLite file and port each time. Every workflow
 * must complete exactly once with the right result; activities run at least once.
 */
class CrashRecoveryTest {

  static final int WORKFLOWS = 60;
  static final int STEPS = 3;

  /**
   * Activity executions when everything ran exactly once: STEPS steps plus finish, per workflow.
   */
  static final int EXPECTED_ACTIVITY_RUNS = WORKFLOWS * (STEPS + 1);

  /**
   * Kill the server when this many activity executions have happened (progress-triggered). The
   * first kill lands while the client is still starting workflows.
   */
  static final int[] KILL_AT = {10, 90, 160};

  /** Executions per (workflow id/step), counting retries after a crash. */
  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();

  /** The total that finish() saw, per workflow id. */
  static final Map<String, Integer> FINISHED_WITH = new ConcurrentHashMap<>();

  static final AtomicInteger ACTIVITY_RUNS = new AtomicInteger();
  static final AtomicLong LAST_PROGRESS_NANOS = new AtomicLong();

  @TempDir Path dir;

  private SundialProcess server;
  private WorkflowServiceStubs stubs;
  private WorkerFactory factory;

  @ActivityInterface
  public interface Steps {
    int step(String workflowId, int i);

    void finish(String workflowId, int total);
  }

  public static class StepsImpl implements Steps {
    @Override
    public int step(String workflowId, int i) {
      simulateWork(workflowId, i);
      EXECUTIONS.computeIfAbsent(workflowId + "/" + i, k -> new AtomicInteger()).incrementAndGet();
      ACTIVITY_RUNS.incrementAndGet();
      LAST_PROGRESS_NANOS.set(System.nanoTime());
      return (i + 1) * 10;
    }

    @Override
    public void finish(String workflowId, int total) {
      simulateWork(workflowId, STEPS);
      EXECUTIONS
          .computeIfAbsent(workflowId + "/finish", k -> new AtomicInteger())
          .incrementAndGet();
      FINISHED_WITH.put(workflowId, total);
      ACTIVITY_RUNS.incrementAndGet();
      LAST_PROGRESS_NANOS.set(System.nanoTime());
    }
  }

  /** 20-80 ms of "work", so that kills also land while activities are executing. */
  static void simulateWork(String workflowId, int step) {
    try {
      TimeUnit.MILLISECONDS.sleep(20 + Math.floorMod((workflowId + step).hashCode(), 61));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @WorkflowInterface
  public interface CrashWorkflow {
    @WorkflowMethod
    int run(int seed);
  }

  public static class CrashWorkflowImpl implements CrashWorkflow {
    private final Steps steps =
        Workflow.newActivityStub(
            Steps.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(5))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(500))
                        .setBackoffCoefficient(1.5)
                        .setMaximumInterval(Duration.ofSeconds(2))
                        .build())
                .build());

    @Override
    public int run(int seed) {
      String id = Workflow.getInfo().getWorkflowId();
      int total = seed;
      for (int i = 0; i < STEPS; i++) {
        total += steps.step(id, i);
        // Different lengths per workflow spread the work out over time.
        Workflow.sleep(Duration.ofMillis(400 + (seed / 1000 % 7) * 100));
      }
      steps.finish(id, total);
      return total;
    }
  }

  static int expected(int seed) {
    int total = seed;
    for (int i = 0; i < STEPS; i++) {
      total += (i + 1) * 10;
    }
    return total;
  }

  @AfterEach
  void tearDown() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (stubs != null) {
      stubs.shutdownNow();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void workflowsSurviveRepeatedKillNine() throws Exception {
    EXECUTIONS.clear();
    FINISHED_WITH.clear();
    ACTIVITY_RUNS.set(0);

    Path db = dir.resolve("sundial.db");
    Path log =
        Paths.get("target", "crash-recovery", "server-" + System.currentTimeMillis() + ".log");
    server = new SundialProcess(SundialProcess.freePort(), db, log);
    long t0 = System.nanoTime();
    server.start();
    server.awaitServing(Duration.ofSeconds(60));
    System.out.printf(
        "[crash] server serving on %s after %d ms (log %s)%n",
        server.target(), millisSince(t0), log.toAbsolutePath());

    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(server.target())
                .setRpcTimeout(Duration.ofSeconds(10))
                .setConnectionBackoffResetFrequency(Duration.ofSeconds(1))
                .build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
    String taskQueue = "crash-recovery";
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(CrashWorkflowImpl.class);
    worker.registerActivitiesImplementations(new StepsImpl());
    factory.start();

    // Start the workflows from another thread, so that the first kill lands while starts are
    // still going on: the SDK retries a start whose answer was lost with the same request id,
    // and the server must answer it with the run it already created.
    AtomicInteger startedCount = new AtomicInteger();
    Map<String, Integer> seeds = new LinkedHashMap<>();
    for (int i = 0; i < WORKFLOWS; i++) {
      seeds.put("crash-" + i, i * 1000);
    }
    ExecutorService starter = Executors.newSingleThreadExecutor();
    Future<Map<String, String>> starting =
        starter.submit(
            () -> {
              Map<String, String> ids = new LinkedHashMap<>();
              for (Map.Entry<String, Integer> e : seeds.entrySet()) {
                CrashWorkflow wf =
                    client.newWorkflowStub(
                        CrashWorkflow.class,
                        WorkflowOptions.newBuilder()
                            .setTaskQueue(taskQueue)
                            .setWorkflowId(e.getKey())
                            .setWorkflowTaskTimeout(Duration.ofSeconds(5))
                            .build());
                ids.put(e.getKey(), WorkflowClient.start(wf::run, e.getValue()).getRunId());
                startedCount.incrementAndGet();
              }
              return ids;
            });
    starter.shutdown();

    // Kill -9 and restart at progress points.
    List<String> report = new ArrayList<>();
    for (int k = 0; k < KILL_AT.length; k++) {
      int threshold = KILL_AT[k];
      awaitProgress(threshold, Duration.ofSeconds(90), "before kill #" + (k + 1));
      int runsAtKill = ACTIVITY_RUNS.get();
      int startsAtKill = startedCount.get();
      long killedAt = System.nanoTime();
      server.kill();
      long killMillis = millisSince(killedAt);
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      long servingMillis = millisSince(killedAt);
      // The workers find the server again by themselves; wait for the next activity to run.
      int runsAtServing = ACTIVITY_RUNS.get();
      awaitProgress(
          Math.min(runsAtServing + 1, EXPECTED_ACTIVITY_RUNS),
          Duration.ofSeconds(90),
          "after restart #" + (k + 1));
      long progressMillis = millisSince(killedAt);
      String line =
          String.format(
              "kill #%d at %d/%d activity runs and %d/%d starts: process gone in %d ms, serving"
                  + " again %d ms after the kill, first activity after restart at %d ms",
              k + 1,
              runsAtKill,
              EXPECTED_ACTIVITY_RUNS,
              startsAtKill,
              WORKFLOWS,
              killMillis,
              servingMillis,
              progressMillis);
      report.add(line);
      System.out.println("[crash] " + line);
    }

    Map<String, String> runIds;
    try {
      runIds = starting.get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(
          "starting workflow #" + startedCount.get() + " failed\n" + server.logTail(60),
          e.getCause());
    }
    System.out.printf("[crash] all %d workflows started (%d ms)%n", WORKFLOWS, millisSince(t0));

    // Every workflow completes with the right result.
    long resultsFrom = System.nanoTime();
    Map<String, Integer> results = new LinkedHashMap<>();
    for (String id : runIds.keySet()) {
      results.put(id, awaitResult(client, id, Duration.ofSeconds(120)));
    }
    System.out.printf(
        "[crash] all results %d ms after the last restart phase; total %d ms%n",
        millisSince(resultsFrom), millisSince(t0));

    int duplicates = 0;
    int workflowTaskTimeouts = 0;
    int activityRetries = 0;
    int workflowTaskRpcFailures = 0;
    for (Map.Entry<String, String> e : runIds.entrySet()) {
      String id = e.getKey();
      String runId = e.getValue();
      assertThat(results.get(id)).as("result of %s", id).isEqualTo(expected(seeds.get(id)));

      // The run we started is the one that completed: no second run of the same id.
      var info =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(CompatServer.NAMESPACE)
                      .setExecution(CompatServer.execution(id, null))
                      .build())
              .getWorkflowExecutionInfo();
      assertThat(info.getExecution().getRunId()).as("current run of %s", id).isEqualTo(runId);
      assertThat(info.getStatus())
          .as("status of %s", id)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

      List<HistoryEvent> history = history(id, runId);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).getEventId()).as("event id #%d of %s", i, id).isEqualTo(i + 1);
      }
      assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
          .as("starts of %s", id)
          .hasSize(1);
      assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED))
          .as("completions of %s", id)
          .hasSize(1);
      assertThat(history.get(history.size() - 1).getEventType())
          .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
          .as("activities of %s", id)
          .hasSize(STEPS + 1);
      assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED))
          .as("activities of %s", id)
          .hasSize(STEPS + 1);
      assertThat(eventsOfType(history, EVENT_TYPE_TIMER_STARTED))
          .as("timers of %s", id)
          .hasSize(STEPS);
      assertThat(eventsOfType(history, EVENT_TYPE_TIMER_FIRED))
          .as("timers of %s", id)
          .hasSize(STEPS);
      workflowTaskTimeouts += eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).size();
      activityRetries +=
          eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_STARTED).stream()
              .mapToInt(ev -> ev.getActivityTaskStartedEventAttributes().getAttempt() - 1)
              .sum();
      // The worker may fail a workflow task when it cannot fetch the rest of the history during
      // an outage (an RPC error, retried by a new workflow task). Any other failure, and above
      // all a non-determinism error, means the SDK saw a history it could not replay.
      for (HistoryEvent failed : eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)) {
        var attrs = failed.getWorkflowTaskFailedEventAttributes();
        assertThat(attrs.getCause())
            .as("cause of a failed workflow task of %s: %s", id, failed)
            .isEqualTo(
                WorkflowTaskFailedCause
                    .WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
        assertThat(attrs.getFailure().getApplicationFailureInfo().getType())
            .as("failure of a failed workflow task of %s: %s", id, failed)
            .isEqualTo(StatusRuntimeException.class.getName());
        workflowTaskRpcFailures++;
      }

      // The body ran to its final activity with the right total; each step ran at least once.
      assertThat(FINISHED_WITH.get(id))
          .as("total seen by finish() of %s", id)
          .isEqualTo(expected(seeds.get(id)));
      for (int i = 0; i < STEPS; i++) {
        AtomicInteger n = EXECUTIONS.get(id + "/" + i);
        assertThat(n).as("step %d of %s ran", i, id).isNotNull();
        duplicates += n.get() - 1;
      }
      duplicates += EXECUTIONS.get(id + "/finish").get() - 1;
    }
    System.out.printf(
        "[crash] %d kills; %d activity executions for %d activities (%d re-executions, allowed by"
            + " at-least-once)%n",
        KILL_AT.length, ACTIVITY_RUNS.get(), EXPECTED_ACTIVITY_RUNS, duplicates);
    System.out.printf(
        "[crash] across all histories: %d workflow task timeouts, %d workflow tasks failed by the"
            + " worker on RPC errors, %d activity retries by the server%n",
        workflowTaskTimeouts, workflowTaskRpcFailures, activityRetries);
    report.forEach(l -> System.out.println("[crash] " + l));
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private void awaitProgress(int runs, Duration timeout, String when) {
    try {
      CompatServer.await(
          timeout, runs + " activity executions " + when, () -> ACTIVITY_RUNS.get() >= runs);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + " (now "
              + ACTIVITY_RUNS.get()
              + ", server alive: "
              + server.isAlive()
              + ")\n"
              + server.logTail(60),
          e);
    }
  }

  /** getResult, retried while the service is unreachable; workflow failures are not retried. */
  private int awaitResult(WorkflowClient client, String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      try {
        return client
            .newUntypedWorkflowStub(id)
            .getResult(
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)),
                TimeUnit.MILLISECONDS,
                Integer.class);
      } catch (WorkflowFailedException e) {
        throw new AssertionError("workflow " + id + " failed", e);
      } catch (WorkflowServiceException | StatusRuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("no result for " + id + "\n" + server.logTail(60), e);
        }
        pause(200);
      } catch (WorkflowException e) {
        throw new AssertionError(
            "workflow " + id + " did not complete: " + e + "\n" + server.logTail(60), e);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "no result for " + id + " within " + timeout + "\n" + server.logTail(60), e);
      }
    }
  }

  private List<HistoryEvent> history(String id, String runId) {
    return CompatServer.history(stubs, id, runId);
  }
}
