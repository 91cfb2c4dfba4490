package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflow cancellation (WorkflowStub.cancel), activity cancellation types and timers in a
 * cancelled workflow (termination and deletion: TerminateAndDeleteTest).
 */
class CancellationTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ---------------------------------------------------------------- shared test state

  /** Per-key latches and observations shared between the test thread and activities. */
  static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();

  static final Map<String, Throwable> OBSERVED = new ConcurrentHashMap<>();

  static final Map<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

  static CountDownLatch latch(String key) {
    return LATCHES.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  static AtomicInteger counter(String key) {
    return COUNTERS.computeIfAbsent(key, k -> new AtomicInteger());
  }

  static void awaitLatch(String key, String what) {
    try {
      if (!latch(key).await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for " + what + " (" + key + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- activities

  @ActivityInterface
  public interface Work {
    /**
     * Heartbeats until released (returns "completed") or cancelled: on cancellation it records
     * what it saw, waits for the test to release its cleanup, then rethrows.
     */
    String heartbeatUntilReleased(String key);

    /** Counts down the latch of the key: a visible step of a workflow. */
    void note(String key);
  }

  public static class WorkImpl implements Work {
    @Override
    public String heartbeatUntilReleased(String key) {
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      latch(key + "/started").countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int i = 0;
      while (System.nanoTime() - deadline < 0) {
        try {
          ctx.heartbeat(i++);
          counter(key + "/heartbeats").incrementAndGet();
        } catch (ActivityCompletionException e) {
          OBSERVED.put(key, e);
          latch(key + "/observed").countDown();
          awaitLatch(key + "/cleanup", "the test to release the cleanup");
          latch(key + "/cleaned").countDown();
          throw e;
        }
        if (latch(key + "/release").getCount() == 0) {
          return "completed";
        }
        try {
          TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException("never released nor cancelled");
    }

    @Override
    public void note(String key) {
      latch(key).countDown();
    }
  }

  static ActivityOptions heartbeatOptions(ActivityCancellationType type) {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(90))
        .setHeartbeatTimeout(Duration.ofSeconds(2))
        .setCancellationType(type)
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  static final ActivityOptions NOTE_OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build();

  // ---------------------------------------------------------------- workflows

  /** Blocks forever; on cancellation runs a cleanup activity in a detached scope, then rethrows. */
  @WorkflowInterface
  public interface CancellableWorkflow {
    @WorkflowMethod
    String run(String key);
  }

  public static class CancellableWorkflowImpl implements CancellableWorkflow {
    private final Work work = Workflow.newActivityStub(Work.class, NOTE_OPTIONS);

    @Override
    public String run(String key) {
      try {
        Workflow.await(() -> false);
        return "not cancelled";
      } catch (CanceledFailure e) {
        Workflow.newDetachedCancellationScope(() -> work.note(key + "/cleanup-ran")).run();
        throw e;
      }
    }
  }

  /** Sleeps an hour; on cancellation sleeps briefly in a detached scope (cleanup), then rethrows. */
  @WorkflowInterface
  public interface SleepyWorkflow {
    @WorkflowMethod
    String run();
  }

  public static class SleepyWorkflowImpl implements SleepyWorkflow {
    @Override
    public String run() {
      try {
        Workflow.sleep(Duration.ofHours(1));
        return "slept";
      } catch (CanceledFailure e) {
        Workflow.newDetachedCancellationScope(() -> Workflow.sleep(Duration.ofMillis(500))).run();
        throw e;
      }
    }
  }

  /**
   * Runs the heartbeating activity in a cancellation scope with the given cancellation type,
   * cancels the scope on the "cancelActivity" signal, notes what the activity promise gave, and
   * returns it (after "finish" when the type is ABANDON).
   */
  @WorkflowInterface
  public interface ActivityCancelWorkflow {
    @WorkflowMethod
    String run(String key, ActivityCancellationType type);

    @SignalMethod
    void cancelActivity();

    @SignalMethod
    void finish();
  }

  public static class ActivityCancelWorkflowImpl implements ActivityCancelWorkflow {
    private boolean cancel;
    private boolean finish;
    private Promise<String> promise;

    @Override
    public String run(String key, ActivityCancellationType type) {
      Work work = Workflow.newActivityStub(Work.class, heartbeatOptions(type));
      Work notes = Workflow.newActivityStub(Work.class, NOTE_OPTIONS);
      CancellationScope scope =
          Workflow.newCancellationScope(
              () -> promise = Async.function(work::heartbeatUntilReleased, key));
      scope.run();
      Workflow.await(() -> cancel);
      scope.cancel();
      String outcome;
      try {
        outcome = "returned:" + promise.get();
      } catch (ActivityFailure e) {
        outcome =
            "ActivityFailure:"
                + (e.getCause() == null ? "none" : e.getCause().getClass().getSimpleName());
      }
      notes.note(key + "/outcome");
      if (type == ActivityCancellationType.ABANDON) {
        Workflow.await(() -> finish);
      }
      return outcome;
    }

    @Override
    public void cancelActivity() {
      cancel = true;
    }

    @Override
    public void finish() {
      finish = true;
    }
  }

  // ---------------------------------------------------------------- helpers

  static String resultOf(WorkflowStub stub) {
    try {
      return stub.getResult(30, TimeUnit.SECONDS, String.class);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 30 s", e);
    }
  }

  static void startWorker(CompatServer sundial, Class<?>... workflows) {
    sundial.worker().registerWorkflowImplementationTypes(workflows);
    sundial.worker().registerActivitiesImplementations(new WorkImpl());
    sundial.startWorkers();
  }

  static HistoryEvent last(List<HistoryEvent> history) {
    return history.get(history.size() - 1);
  }

  private static long idOf(List<HistoryEvent> history, EventType type) {
    List<HistoryEvent> events = eventsOfType(history, type);
    assertThat(events).as("%s events", type).hasSize(1);
    return events.get(0).getEventId();
  }

  // ---------------------------------------------------------------- workflow cancellation

  @Test
  void cancelledWorkflowSeesCanceledFailureRunsCleanupAndEndsCanceled() {
    startWorker(sundial, CancellableWorkflowImpl.class);
    String id = sundial.newWorkflowId("cancel");
    CancellableWorkflow wf = sundial.newWorkflowStub(CancellableWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run, id).getRunId();
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    // The workflow is blocked in its first task.
    CompatServer.await(
        Duration.ofSeconds(30),
        "the first workflow task to complete",
        () ->
            !eventsOfType(sundial.history(id, runId), EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
                .isEmpty());

    stub.cancel();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> resultOf(stub));
    assertThat(e.getCause()).isInstanceOf(CanceledFailure.class);
    assertThat(latch(id + "/cleanup-ran").getCount()).as("cleanup activity ran").isZero();

    List<HistoryEvent> history = sundial.history(id, runId);
    long requested = idOf(history, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    long cleanup = idOf(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    long canceled = idOf(history, EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(requested).isLessThan(cleanup);
    assertThat(cleanup).isLessThan(canceled);
    assertThat(last(history).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    assertThat(
            last(history)
                .getWorkflowExecutionCanceledEventAttributes()
                .getWorkflowTaskCompletedEventId())
        .isEqualTo(canceled - 1);
    assertThat(history.get((int) canceled - 2).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
    assertThat(sundial.describe(id, runId).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
  }

  @Test
  void cancelIsIdempotent() {
    // No worker: the workflow stays open with its cancel request pending.
    String id = sundial.newWorkflowId("cancel-request-id");
    CancellableWorkflow wf = sundial.newWorkflowStub(CancellableWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run, id).getRunId();

    RequestCancelWorkflowExecutionRequest request =
        RequestCancelWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowExecution(CompatServer.execution(id, runId))
            .setIdentity("compat-test")
            .setReason("because")
            .setRequestId(UUID.randomUUID().toString())
            .build();
    sundial.blockingStub().requestCancelWorkflowExecution(request);
    sundial.blockingStub().requestCancelWorkflowExecution(request);
    // Temporal treats cancellation as idempotent: another request id is no error and no event.
    sundial
        .blockingStub()
        .requestCancelWorkflowExecution(
            request.toBuilder().setRequestId(UUID.randomUUID().toString()).build());

    List<HistoryEvent> history = sundial.history(id, runId);
    List<HistoryEvent> requested =
        eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(requested).hasSize(1);
    var attrs = requested.get(0).getWorkflowExecutionCancelRequestedEventAttributes();
    assertThat(attrs.getIdentity()).isEqualTo("compat-test");
    assertThat(attrs.getCause()).isEqualTo("because");

    sundial.client().newUntypedWorkflowStub(id).terminate("done");
  }

  @Test
  void cancelOfAClosedWorkflowIsANoOpAndOfAnUnknownOneIsNotFound() {
    startWorker(sundial, SleepyWorkflowImpl.class);
    String id = sundial.newWorkflowId("cancel-closed");
    SleepyWorkflow wf = sundial.newWorkflowStub(SleepyWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run).getRunId();
    WorkflowStub.fromTyped(wf).terminate("stop");
    int events = sundial.history(id, runId).size();

    // Current Temporal answers success for a workflow that has already closed, and changes nothing.
    sundial.client().newUntypedWorkflowStub(id).cancel();
    assertThat(sundial.history(id, runId)).hasSize(events);

    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .requestCancelWorkflowExecution(
                        RequestCancelWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowExecution(
                                CompatServer.execution(sundial.newWorkflowId("never"), null))
                            .setRequestId(UUID.randomUUID().toString())
                            .build()));
    assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void timerOfACancelledWorkflowIsCancelled() {
    startWorker(sundial, SleepyWorkflowImpl.class);
    String id = sundial.newWorkflowId("cancel-timer");
    SleepyWorkflow wf = sundial.newWorkflowStub(SleepyWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run).getRunId();
    CompatServer.await(
        Duration.ofSeconds(30),
        "the hour-long timer to start",
        () -> !eventsOfType(sundial.history(id, runId), EVENT_TYPE_TIMER_STARTED).isEmpty());

    long t0 = System.nanoTime();
    WorkflowStub.fromTyped(wf).cancel();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> resultOf(WorkflowStub.fromTyped(wf)));
    assertThat(e.getCause()).isInstanceOf(CanceledFailure.class);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(30);

    List<HistoryEvent> history = sundial.history(id, runId);
    List<HistoryEvent> started = eventsOfType(history, EVENT_TYPE_TIMER_STARTED);
    assertThat(started).hasSize(2);
    HistoryEvent hour = started.get(0);
    HistoryEvent cleanup = started.get(1);
    assertThat(hour.getTimerStartedEventAttributes().getStartToFireTimeout().getSeconds())
        .isEqualTo(3600);
    List<HistoryEvent> canceled = eventsOfType(history, EVENT_TYPE_TIMER_CANCELED);
    assertThat(canceled).hasSize(1);
    assertThat(canceled.get(0).getTimerCanceledEventAttributes().getTimerId())
        .isEqualTo(hour.getTimerStartedEventAttributes().getTimerId());
    assertThat(canceled.get(0).getTimerCanceledEventAttributes().getStartedEventId())
        .isEqualTo(hour.getEventId());
    List<HistoryEvent> fired = eventsOfType(history, EVENT_TYPE_TIMER_FIRED);
    assertThat(fired).hasSize(1);
    assertThat(fired.get(0).getTimerFiredEventAttributes().getTimerId())
        .isEqualTo(cleanup.getTimerStartedEventAttributes().getTimerId());
    long requested = idOf(history, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(requested).isLessThan(canceled.get(0).getEventId());
    assertThat(fired.get(0).getEventId()).isGreaterThan(canceled.get(0).getEventId());
    assertThat(last(history).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }

  // ---------------------------------------------------------------- activity cancellation types

  @Test
  void waitCancellationCompletedWaitsForTheActivityToAcknowledge() {
    startWorker(sundial, ActivityCancelWorkflowImpl.class);
    String id = sundial.newWorkflowId("act-wait");
    ActivityCancelWorkflow wf = sundial.newWorkflowStub(ActivityCancelWorkflow.class, id);
    String runId =
        WorkflowClient.start(wf::run, id, ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .getRunId();
    awaitLatch(id + "/started", "the activity to start");
    WorkflowStub.fromTyped(wf).signal("cancelActivity");

    // The activity learns of the cancellation through its heartbeat.
    awaitLatch(id + "/observed", "the activity to observe the cancellation");
    assertThat(OBSERVED.get(id)).isInstanceOf(ActivityCanceledException.class);
    // While it cleans up, the workflow is still waiting for it.
    List<HistoryEvent> during = sundial.history(id, runId);
    assertThat(eventsOfType(during, EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)).hasSize(1);
    assertThat(eventsOfType(during, EVENT_TYPE_ACTIVITY_TASK_CANCELED)).isEmpty();
    assertThat(latch(id + "/outcome").getCount()).as("workflow went on before the ack").isOne();

    latch(id + "/cleanup").countDown();
    assertThat(resultOf(WorkflowStub.fromTyped(wf))).isEqualTo("ActivityFailure:CanceledFailure");

    List<HistoryEvent> history = sundial.history(id, runId);
    long cancelRequested = idOf(history, EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
    long activityCanceled = idOf(history, EVENT_TYPE_ACTIVITY_TASK_CANCELED);
    long noteCompleted = idOf(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(cancelRequested).isLessThan(activityCanceled);
    assertThat(activityCanceled).isLessThan(noteCompleted);
    var attrs = eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_CANCELED).get(0)
        .getActivityTaskCanceledEventAttributes();
    assertThat(attrs.getLatestCancelRequestedEventId()).isEqualTo(cancelRequested);
    assertThat(last(history).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void tryCancelDoesNotWaitForTheActivity() {
    startWorker(sundial, ActivityCancelWorkflowImpl.class);
    String id = sundial.newWorkflowId("act-try");
    ActivityCancelWorkflow wf = sundial.newWorkflowStub(ActivityCancelWorkflow.class, id);
    String runId =
        WorkflowClient.start(wf::run, id, ActivityCancellationType.TRY_CANCEL).getRunId();
    awaitLatch(id + "/started", "the activity to start");
    WorkflowStub.fromTyped(wf).signal("cancelActivity");

    // The workflow completes without the activity's acknowledgement (its cleanup is still held).
    assertThat(resultOf(WorkflowStub.fromTyped(wf))).isEqualTo("ActivityFailure:CanceledFailure");
    assertThat(latch(id + "/cleaned").getCount()).isOne();
    List<HistoryEvent> history = sundial.history(id, runId);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)).hasSize(1);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_CANCELED)).isEmpty();
    assertThat(last(history).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    // The activity finds out through its heartbeat (cancelled, or gone with the workflow).
    awaitLatch(id + "/observed", "the activity to observe the cancellation");
    assertThat(OBSERVED.get(id)).isInstanceOf(ActivityCompletionException.class);
    latch(id + "/cleanup").countDown();
    awaitLatch(id + "/cleaned", "the activity cleanup");
    // Its late answer changes nothing in the closed history.
    assertThat(sundial.history(id, runId)).hasSize(history.size());
  }

  @Test
  void abandonLeavesTheActivityRunning() {
    startWorker(sundial, ActivityCancelWorkflowImpl.class);
    String id = sundial.newWorkflowId("act-abandon");
    ActivityCancelWorkflow wf = sundial.newWorkflowStub(ActivityCancelWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run, id, ActivityCancellationType.ABANDON).getRunId();
    awaitLatch(id + "/started", "the activity to start");
    WorkflowStub.fromTyped(wf).signal("cancelActivity");

    // The workflow has given up on the activity ...
    awaitLatch(id + "/outcome", "the workflow to go on without the activity");
    // ... which keeps heartbeating without being told to cancel ...
    int beats = counter(id + "/heartbeats").get();
    CompatServer.await(
        Duration.ofSeconds(30),
        "more heartbeats of the abandoned activity",
        () -> counter(id + "/heartbeats").get() >= beats + 30);
    assertThat(OBSERVED).doesNotContainKey(id);
    // ... and completes normally; the server records it.
    latch(id + "/release").countDown();
    CompatServer.await(
        Duration.ofSeconds(30),
        "the abandoned activity's completion to be recorded",
        () -> {
          List<HistoryEvent> h = sundial.history(id, runId);
          return h.stream()
              .anyMatch(
                  e ->
                      e.getEventType() == EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                          && e.getActivityTaskCompletedEventAttributes().getScheduledEventId()
                              == eventsOfType(
                                      h,
                                      EventType
                                          .EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                                  .get(0)
                                  .getEventId());
        });
    WorkflowStub.fromTyped(wf).signal("finish");
    assertThat(resultOf(WorkflowStub.fromTyped(wf))).isEqualTo("ActivityFailure:CanceledFailure");

    List<HistoryEvent> history = sundial.history(id, runId);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)).isEmpty();
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_CANCELED)).isEmpty();
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
    assertThat(OBSERVED).doesNotContainKey(id);
  }
}
