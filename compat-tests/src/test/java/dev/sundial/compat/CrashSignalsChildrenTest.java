package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone server is killed with SIGKILL twice while 20 parents start 3 children each and
 * receive 5 signals each from the test. Every parent completes exactly once with all its signals
 * (in order, none duplicated) and all its children's results; every child ran exactly once.
 */
class CrashSignalsChildrenTest {

  static final int PARENTS = 20;
  static final int CHILDREN = 3;
  static final int SIGNALS = 5;
  /** Updates per parent, sent alongside the signals (retried with their update id). */
  static final int UPDATES = 3;

  /**
   * Kill when this many signals (of PARENTS * SIGNALS) have been acknowledged: the first kill lands
   * while the parents are still starting their children, the second while children sleep.
   */
  static final int[] KILL_AT_SIGNALS = {10, 60};

  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();
  static final AtomicInteger CHILD_STEPS = new AtomicInteger();

  @TempDir Path dir;

  private SundialProcess server;
  private WorkflowServiceStubs stubs;
  private WorkerFactory factory;

  @ActivityInterface
  public interface ChildSteps {
    int step(String childId, int i);
  }

  public static class ChildStepsImpl implements ChildSteps {
    @Override
    public int step(String childId, int i) {
      try {
        TimeUnit.MILLISECONDS.sleep(20 + Math.floorMod(childId.hashCode(), 61));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      EXECUTIONS.computeIfAbsent(childId, k -> new AtomicInteger()).incrementAndGet();
      CHILD_STEPS.incrementAndGet();
      return (i + 1) * 100;
    }
  }

  @WorkflowInterface
  public interface CrashChild {
    @WorkflowMethod
    int run(int i);
  }

  public static class CrashChildImpl implements CrashChild {
    private final ChildSteps steps =
        Workflow.newActivityStub(
            ChildSteps.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(5))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(500))
                        .setMaximumInterval(Duration.ofSeconds(2))
                        .build())
                .build());

    @Override
    public int run(int i) {
      Workflow.sleep(Duration.ofMillis(1000 + i * 1500));
      return steps.step(Workflow.getInfo().getWorkflowId(), i);
    }
  }

  @WorkflowInterface
  public interface CrashParent {
    @WorkflowMethod
    String run();

    @SignalMethod
    void add(String value);

    @UpdateMethod
    int bump(String tag);
  }

  public static class CrashParentImpl implements CrashParent {
    private final List<String> received = new ArrayList<>();
    private final List<String> bumps = new ArrayList<>();

    @Override
    public int bump(String tag) {
      bumps.add(tag);
      return bumps.size();
    }

    @Override
    public String run() {
      String id = Workflow.getInfo().getWorkflowId();
      List<Promise<Integer>> results = new ArrayList<>();
      for (int i = 0; i < CHILDREN; i++) {
        CrashChild child =
            Workflow.newChildWorkflowStub(
                CrashChild.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(id + "-child-" + i)
                    .setWorkflowTaskTimeout(Duration.ofSeconds(5))
                    .build());
        results.add(Async.function(child::run, i));
        // Spread the child starts out, so that a kill lands among them.
        Workflow.sleep(Duration.ofMillis(300));
      }
      Workflow.await(() -> received.size() >= SIGNALS && bumps.size() >= UPDATES);
      int sum = 0;
      for (Promise<Integer> r : results) {
        sum += r.get();
      }
      return "signals=" + String.join(",", received) + ";children=" + sum
          + ";updates=" + bumps.size();
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  static String expectedResult() {
    List<String> s = new ArrayList<>();
    int sum = 0;
    for (int k = 0; k < SIGNALS; k++) {
      s.add("s" + k);
    }
    for (int i = 0; i < CHILDREN; i++) {
      sum += (i + 1) * 100;
    }
    return "signals=" + String.join(",", s) + ";children=" + sum + ";updates=" + UPDATES;
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
  void signalsAndChildWorkflowsSurviveKillNine() throws Exception {
    EXECUTIONS.clear();
    CHILD_STEPS.set(0);

    Path log =
        Paths.get(
            "target", "crash-recovery", "signals-children-" + System.currentTimeMillis() + ".log");
    server = new SundialProcess(SundialProcess.freePort(), dir.resolve("sundial.db"), log);
    server.start();
    server.awaitServing(Duration.ofSeconds(60));
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
    String taskQueue = "crash-signals-children";
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(taskQueue);
    worker.registerWorkflowImplementationTypes(CrashParentImpl.class, CrashChildImpl.class);
    worker.registerActivitiesImplementations(new ChildStepsImpl());
    factory.start();

    List<String> parentIds = new ArrayList<>();
    for (int p = 0; p < PARENTS; p++) {
      parentIds.add("crash-parent-" + p);
    }
    Map<String, String> runIds = new ConcurrentHashMap<>();
    for (String id : parentIds) {
      CrashParent wf =
          client.newWorkflowStub(
              CrashParent.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue(taskQueue)
                  .setWorkflowId(id)
                  .setWorkflowTaskTimeout(Duration.ofSeconds(5))
                  .build());
      runIds.put(id, WorkflowClient.start(wf::run).getRunId());
    }

    // Signals go out in rounds (signal k to every parent, then k+1), each with its own request id,
    // retried with that same id until acknowledged: the server must record each exactly once.
    AtomicInteger acknowledged = new AtomicInteger();
    AtomicInteger retries = new AtomicInteger();
    ExecutorService signaller = Executors.newSingleThreadExecutor();
    Future<?> signalling =
        signaller.submit(
            () -> {
              for (int k = 0; k < SIGNALS; k++) {
                for (String id : parentIds) {
                  sendUntilAcknowledged(id, "s" + k, id + "/signal/" + k, retries);
                  acknowledged.incrementAndGet();
                  pause(40);
                }
              }
              return null;
            });
    signaller.shutdown();

    // Updates go out alongside: each with a fixed update id, retried until its outcome is known.
    AtomicInteger updateRetries = new AtomicInteger();
    ExecutorService updater = Executors.newSingleThreadExecutor();
    Future<?> updating =
        updater.submit(
            () -> {
              for (int u = 0; u < UPDATES; u++) {
                for (String id : parentIds) {
                  updateUntilDone(client, id, id + "/update/" + u, "u" + u, updateRetries);
                  pause(60);
                }
              }
              return null;
            });
    updater.shutdown();

    List<String> report = new ArrayList<>();
    for (int threshold : KILL_AT_SIGNALS) {
      killAndRestartWhen(
          () -> acknowledged.get() >= threshold,
          "signals acknowledged >= " + threshold,
          report,
          acknowledged);
    }

    try {
      signalling.get(180, TimeUnit.SECONDS);
      updating.get(180, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("sending signals/updates failed\n" + server.logTail(60), e.getCause());
    }

    String expected = expectedResult();
    for (String id : parentIds) {
      assertThat(awaitResult(client, id, Duration.ofSeconds(120)))
          .as("result of %s", id)
          .isEqualTo(expected);
    }

    int rpcFailedTasks = 0;
    for (String id : parentIds) {
      String runId = runIds.get(id);
      var info = describe(id, null);
      assertThat(info.getExecution().getRunId()).as("current run of %s", id).isEqualTo(runId);
      assertThat(info.getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

      List<HistoryEvent> history = history(id, runId);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).getEventId()).as("event id #%d of %s", i, id).isEqualTo(i + 1);
      }
      assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
      assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).hasSize(1);
      assertThat(history.get(history.size() - 1).getEventType())
          .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      List<String> signals =
          eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).stream()
              .map(
                  e ->
                      DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                          0,
                          Optional.of(e.getWorkflowExecutionSignaledEventAttributes().getInput()),
                          String.class,
                          String.class))
              .collect(Collectors.toList());
      assertThat(signals).as("signals recorded for %s", id).containsExactly("s0", "s1", "s2", "s3", "s4");
      // Each update was accepted and completed exactly once, whatever the retries.
      List<HistoryEvent> accepted =
          eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
      assertThat(accepted).as("updates accepted for %s", id).hasSize(UPDATES);
      assertThat(accepted.stream()
              .map(e -> e.getWorkflowExecutionUpdateAcceptedEventAttributes().getProtocolInstanceId())
              .distinct()
              .count())
          .as("distinct update ids of %s", id)
          .isEqualTo(UPDATES);
      assertThat(eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED))
          .as("updates completed for %s", id)
          .hasSize(UPDATES);
      assertThat(eventsOfType(history, EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED))
          .as("child starts initiated by %s", id)
          .hasSize(CHILDREN);
      assertThat(eventsOfType(history, EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED))
          .as("child starts that failed for %s", id)
          .isEmpty();
      List<HistoryEvent> started = eventsOfType(history, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED);
      assertThat(started).as("children started by %s", id).hasSize(CHILDREN);
      assertThat(eventsOfType(history, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED))
          .hasSize(CHILDREN);
      rpcFailedTasks += countRpcFailedTasks(id, history);

      // Each child: one run, the one the parent recorded, started once, completed.
      for (HistoryEvent s : started) {
        var childExecution = s.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
        String childId = childExecution.getWorkflowId();
        var childInfo = describe(childId, null);
        assertThat(childInfo.getExecution().getRunId())
            .as("current run of child %s", childId)
            .isEqualTo(childExecution.getRunId());
        assertThat(childInfo.getStatus())
            .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
        List<HistoryEvent> childHistory = history(childId, childExecution.getRunId());
        assertThat(eventsOfType(childHistory, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
        var childStart = childHistory.get(0).getWorkflowExecutionStartedEventAttributes();
        assertThat(childStart.getParentWorkflowExecution().getRunId()).isEqualTo(runId);
        assertThat(eventsOfType(childHistory, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).hasSize(1);
        rpcFailedTasks += countRpcFailedTasks(childId, childHistory);
        assertThat(EXECUTIONS.get(childId)).as("step of %s ran", childId).isNotNull();
      }
    }
    System.out.printf(
        "[crash-children] %d signal retries, %d update retries; %d workflow tasks failed by the"
            + " worker on RPC errors%n",
        retries.get(), updateRetries.get(), rpcFailedTasks);
    report.forEach(l -> System.out.println("[crash-children] " + l));
  }

  /** Kills and restarts the server once the condition holds; waits for it to serve again. */
  private void killAndRestartWhen(
      BooleanSupplier condition,
      String what,
      List<String> report,
      AtomicInteger acknowledged)
      throws InterruptedException {
    try {
      CompatServer.await(Duration.ofSeconds(120), what, condition);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage()
              + " (signals "
              + acknowledged.get()
              + ", child steps "
              + CHILD_STEPS.get()
              + ")\n"
              + server.logTail(60),
          e);
    }
    int signalsAtKill = acknowledged.get();
    int stepsAtKill = CHILD_STEPS.get();
    long t = System.nanoTime();
    server.kill();
    server.start();
    server.awaitServing(Duration.ofSeconds(60));
    report.add(
        String.format(
            "kill when %s: at %d signals and %d child steps, serving again after %d ms",
            what, signalsAtKill, stepsAtKill, (System.nanoTime() - t) / 1_000_000));
  }

  /** Sends one update (fixed update id) until its outcome comes back; returns the handler's value. */
  private static int updateUntilDone(
      WorkflowClient client, String workflowId, String updateId, String tag, AtomicInteger retries) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      try {
        return client
            .newUntypedWorkflowStub(workflowId)
            .startUpdate(
                UpdateOptions.newBuilder(Integer.class)
                    .setUpdateName("bump")
                    .setUpdateId(updateId)
                    .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                    .build(),
                tag)
            .getResult(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("update " + updateId + " never completed", e);
        }
        retries.incrementAndGet();
        pause(200);
      }
    }
  }

  private void sendUntilAcknowledged(
      String workflowId, String value, String requestId, AtomicInteger retries) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    SignalWorkflowExecutionRequest request =
        SignalWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowExecution(CompatServer.execution(workflowId, null))
            .setSignalName("add")
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads(value).get())
            .setIdentity("crash-test")
            .setRequestId(requestId)
            .build();
    while (true) {
      try {
        stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS).signalWorkflowExecution(request);
        return;
      } catch (StatusRuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("signal " + requestId + " never acknowledged", e);
        }
        retries.incrementAndGet();
        pause(200);
      }
    }
  }

  private int countRpcFailedTasks(String id, List<HistoryEvent> history) {
    int n = 0;
    for (HistoryEvent failed : eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)) {
      var attrs = failed.getWorkflowTaskFailedEventAttributes();
      // Only failures caused by an outage (the worker could not reach the server) are allowed;
      // a non-determinism error means the SDK saw a history it could not replay.
      assertThat(attrs.getCause())
          .as("cause of a failed workflow task of %s: %s", id, failed)
          .isIn(
              WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
              WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
      if (attrs.getCause()
          == WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE) {
        assertThat(attrs.getFailure().getApplicationFailureInfo().getType())
            .as("failure of a failed workflow task of %s: %s", id, failed)
            .isEqualTo(StatusRuntimeException.class.getName());
      }
      n++;
    }
    return n;
  }

  private static void pause(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private String awaitResult(WorkflowClient client, String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      try {
        return client
            .newUntypedWorkflowStub(id)
            .getResult(
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), TimeUnit.MILLISECONDS, String.class);
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

  private WorkflowExecutionInfo describe(String id, String runId) {
    return stubs
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setExecution(CompatServer.execution(id, runId))
                .build())
        .getWorkflowExecutionInfo();
  }

  private List<HistoryEvent> history(String id, String runId) {
    return CompatServer.history(stubs, id, runId);
  }
}
