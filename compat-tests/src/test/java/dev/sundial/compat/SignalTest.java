package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signals: order, volume, idempotency by request id, errors for closed workflows, and
 * SignalWithStart with the id reuse and conflict policies.
 */
class SignalTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ---------------------------------------------------------------- workflows

  /** Collects signals until it has {@code expected} of them, then returns them in arrival order. */
  @WorkflowInterface
  public interface CollectWorkflow {
    @WorkflowMethod
    List<String> collect(int expected);

    @SignalMethod
    void add(String value);
  }

  public static class CollectWorkflowImpl implements CollectWorkflow {
    private final List<String> received = new ArrayList<>();

    @Override
    public List<String> collect(int expected) {
      Workflow.await(() -> received.size() >= expected);
      return received;
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  /**
   * Holds a workflow task open in a local activity: the activity tells the test it runs, then
   * waits for the test to let it go.
   */
  @ActivityInterface
  public interface Gate {
    void pass(String key);
  }

  static final Map<String, CountDownLatch> ENTERED = Collections.synchronizedMap(new HashMap<>());
  static final Map<String, CountDownLatch> RELEASE = Collections.synchronizedMap(new HashMap<>());

  static CountDownLatch entered(String key) {
    return ENTERED.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  static CountDownLatch release(String key) {
    return RELEASE.computeIfAbsent(key, k -> new CountDownLatch(1));
  }

  public static class GateImpl implements Gate {
    @Override
    public void pass(String key) {
      entered(key).countDown();
      try {
        if (!release(key).await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released gate " + key);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static final LocalActivityOptions GATE_OPTIONS =
      LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(40)).build();

  /**
   * Passes a gate (a local activity: the workflow task stays in flight meanwhile), then collects
   * {@code expected} signals.
   */
  @WorkflowInterface
  public interface GatedCollectWorkflow {
    @WorkflowMethod
    List<String> collect(String gate, int expected);

    @SignalMethod
    void add(String value);
  }

  public static class GatedCollectWorkflowImpl implements GatedCollectWorkflow {
    private final List<String> received = new ArrayList<>();
    private final Gate gate = Workflow.newLocalActivityStub(Gate.class, GATE_OPTIONS);

    @Override
    public List<String> collect(String key, int expected) {
      gate.pass(key);
      Workflow.await(() -> received.size() >= expected);
      return received;
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  /**
   * Waits for one signal, then passes a gate and returns what it received: a signal that arrives
   * while the completing workflow task is in flight must still be seen.
   */
  @WorkflowInterface
  public interface LateSignalWorkflow {
    @WorkflowMethod
    List<String> run(String gate);

    @SignalMethod
    void add(String value);
  }

  public static class LateSignalWorkflowImpl implements LateSignalWorkflow {
    private final List<String> received = new ArrayList<>();
    private final Gate gate = Workflow.newLocalActivityStub(Gate.class, GATE_OPTIONS);

    @Override
    public List<String> run(String key) {
      Workflow.await(() -> !received.isEmpty());
      gate.pass(key);
      return received;
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  /** Started by SignalWithStart: returns its input and the signals it got, once released. */
  @WorkflowInterface
  public interface SwsWorkflow {
    @WorkflowMethod
    String run(String input);

    @SignalMethod
    void add(String value);

    @SignalMethod
    void finish();
  }

  public static class SwsWorkflowImpl implements SwsWorkflow {
    private final List<String> received = new ArrayList<>();
    private boolean finished;

    @Override
    public String run(String input) {
      if (input.equals("fail")) {
        Workflow.await(() -> !received.isEmpty());
        throw ApplicationFailure.newNonRetryableFailure("failed on purpose", "Purpose");
      }
      if (input.equals("quick")) {
        Workflow.await(() -> !received.isEmpty());
      } else {
        Workflow.await(() -> finished);
      }
      return input + ":" + String.join(",", received);
    }

    @Override
    public void add(String value) {
      received.add(value);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static <T> T result(WorkflowStub stub, Class<T> type, int seconds) {
    try {
      return stub.getResult(seconds, TimeUnit.SECONDS, type);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + seconds + " s", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> listResult(WorkflowStub stub, int seconds) {
    return (List<String>) result(stub, List.class, seconds);
  }

  private static List<String> signalValues(List<HistoryEvent> history) {
    return eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).stream()
        .filter(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("add"))
        .map(
            e ->
                DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                    0,
                    Optional.of(e.getWorkflowExecutionSignaledEventAttributes().getInput()),
                    String.class,
                    String.class))
        .collect(Collectors.toList());
  }

  private SwsWorkflow swsStub(
      String id, WorkflowIdReusePolicy reuse, WorkflowIdConflictPolicy conflict) {
    WorkflowOptions.Builder options = sundial.workflowOptions(id);
    if (reuse != null) {
      options.setWorkflowIdReusePolicy(reuse);
    }
    if (conflict != null) {
      options.setWorkflowIdConflictPolicy(conflict);
    }
    return sundial.client().newWorkflowStub(SwsWorkflow.class, options.build());
  }

  private static WorkflowExecution signalWithStart(SwsWorkflow wf, String input, String signal) {
    return WorkflowStub.fromTyped(wf)
        .signalWithStart("add", new Object[] {signal}, new Object[] {input});
  }

  private void startSwsWorker() {
    sundial.worker().registerWorkflowImplementationTypes(SwsWorkflowImpl.class);
    sundial.startWorkers();
  }

  // ---------------------------------------------------------------- order and volume

  @Test
  void signalsSentWhileAWorkflowTaskIsInFlightArriveInOrder() {
    sundial.worker().registerWorkflowImplementationTypes(GatedCollectWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new GateImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("in-flight");
    GatedCollectWorkflow wf = sundial.newWorkflowStub(GatedCollectWorkflow.class, id);
    WorkflowClient.start(wf::collect, id, 20);

    // The first workflow task is now held open by the local activity.
    await(entered(id), "the local activity of the first workflow task to run");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String v = "s" + i;
      WorkflowStub.fromTyped(wf).signal("add", v);
      sent.add(v);
    }
    release(id).countDown();

    assertThat(listResult(WorkflowStub.fromTyped(wf), 30)).containsExactlyElementsOf(sent);

    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(signalValues(history)).containsExactlyElementsOf(sent);
    // Events that arrive while a workflow task is started are buffered and written after its
    // completion: nothing may sit between WorkflowTaskStarted and its WorkflowTaskCompleted.
    HistoryEvent firstCompleted = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_COMPLETED).get(0);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED))
        .allSatisfy(e -> assertThat(e.getEventId()).isGreaterThan(firstCompleted.getEventId()));
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void signalArrivingWhileTheCompletingTaskIsInFlightIsNotLost() {
    sundial.worker().registerWorkflowImplementationTypes(LateSignalWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new GateImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("late-signal");
    LateSignalWorkflow wf = sundial.newWorkflowStub(LateSignalWorkflow.class, id);
    WorkflowClient.start(wf::run, id);
    WorkflowStub.fromTyped(wf).signal("add", "first");
    // The workflow task that will complete the workflow is in flight.
    await(entered(id), "the local activity of the completing workflow task to run");
    WorkflowStub.fromTyped(wf).signal("add", "second");
    release(id).countDown();

    assertThat(listResult(WorkflowStub.fromTyped(wf), 30)).containsExactly("first", "second");

    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(signalValues(history)).containsExactly("first", "second");
    // Temporal rejects a completion while new events are buffered: the task fails with
    // UNHANDLED_COMMAND and a new one delivers the signal.
    List<HistoryEvent> failed = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).hasSize(1);
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void stormOfOneThousandSignalsNoneLostOrderKept() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(CollectWorkflowImpl.class);
    sundial.startWorkers();

    int senders = 4;
    int perSender = 250;
    int total = senders * perSender;
    String id = sundial.newWorkflowId("storm");
    CollectWorkflow wf = sundial.newWorkflowStub(CollectWorkflow.class, id);
    WorkflowClient.start(wf::collect, total);

    // Each sender sends its own sequence in order; the senders run concurrently.
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        int sender = s;
        futures.add(
            pool.submit(
                () -> {
                  WorkflowStub stub = sundial.client().newUntypedWorkflowStub(id);
                  for (int i = 0; i < perSender; i++) {
                    stub.signal("add", sender + ":" + i);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<String> received = listResult(WorkflowStub.fromTyped(wf), 60);
    assertThat(received).hasSize(total).doesNotHaveDuplicates();
    for (int s = 0; s < senders; s++) {
      String prefix = s + ":";
      List<String> ofSender =
          received.stream().filter(v -> v.startsWith(prefix)).collect(Collectors.toList());
      assertThat(ofSender)
          .as("signals of sender %d, in the order received", s)
          .containsExactlyElementsOf(
              IntStream.range(0, perSender).mapToObj(i -> prefix + i).collect(Collectors.toList()));
    }
    long checksum = received.stream().mapToLong(String::hashCode).sum();
    long expectedChecksum =
        IntStream.range(0, senders)
            .boxed()
            .flatMap(s -> IntStream.range(0, perSender).mapToObj(i -> s + ":" + i))
            .mapToLong(String::hashCode)
            .sum();
    assertThat(checksum).isEqualTo(expectedChecksum);

    // The workflow saw them in history order, and history holds each exactly once.
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(signalValues(history)).containsExactlyElementsOf(received);
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).getEventId()).isEqualTo(i + 1);
    }
  }

  // ---------------------------------------------------------------- request id and errors

  @Test
  void signalIsIdempotentByRequestId() {
    // No worker: the workflow stays open.
    String id = sundial.newWorkflowId("signal-request-id");
    CollectWorkflow wf = sundial.newWorkflowStub(CollectWorkflow.class, id);
    String runId = WorkflowClient.start(wf::collect, 1).getRunId();

    String requestId = UUID.randomUUID().toString();
    SignalWorkflowExecutionRequest request =
        SignalWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowExecution(CompatServer.execution(id, null))
            .setSignalName("add")
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads("once").get())
            .setIdentity("compat-test")
            .setRequestId(requestId)
            .build();
    sundial.blockingStub().signalWorkflowExecution(request);
    sundial.blockingStub().signalWorkflowExecution(request);
    sundial
        .blockingStub()
        .signalWorkflowExecution(
            request.toBuilder()
                .setWorkflowExecution(CompatServer.execution(id, runId))
                .build());

    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> signaled = eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(signaled).as("signals with one request id").hasSize(1);
    assertThat(signaled.get(0).getWorkflowExecutionSignaledEventAttributes().getIdentity())
        .isEqualTo("compat-test");
    // The pending first workflow task absorbs the signal: no second task is scheduled.
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)).hasSize(1);

    // Another request id is another signal.
    sundial
        .blockingStub()
        .signalWorkflowExecution(
            request.toBuilder().setRequestId(UUID.randomUUID().toString()).build());
    assertThat(signalValues(sundial.history(id, null))).containsExactly("once", "once");

    sundial.client().newUntypedWorkflowStub(id).terminate("done");
  }

  @Test
  void signalToACompletedWorkflowIsNotFound() {
    sundial.worker().registerWorkflowImplementationTypes(CollectWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("signal-completed");
    CollectWorkflow wf = sundial.newWorkflowStub(CollectWorkflow.class, id);
    String runId = WorkflowClient.start(wf::collect, 0).getRunId();
    assertThat(listResult(WorkflowStub.fromTyped(wf), 30)).isEmpty();

    // Through the SDK (the stub targets the latest run of the id).
    WorkflowNotFoundException sdkError =
        assertThrows(
            WorkflowNotFoundException.class,
            () -> sundial.client().newUntypedWorkflowStub(id).signal("add", "late"));
    assertThat(sdkError.getExecution().getWorkflowId()).isEqualTo(id);

    // Through the raw API, by id and by run id.
    for (String run : new String[] {null, runId}) {
      StatusRuntimeException e =
          CompatServer.expectStatus(
              () ->
                  sundial
                      .blockingStub()
                      .signalWorkflowExecution(
                          SignalWorkflowExecutionRequest.newBuilder()
                              .setNamespace(CompatServer.NAMESPACE)
                              .setWorkflowExecution(CompatServer.execution(id, run))
                              .setSignalName("add")
                              .setRequestId(UUID.randomUUID().toString())
                              .build()));
      assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.NOT_FOUND);
    }
    // A workflow id that never existed.
    StatusRuntimeException missing =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .signalWorkflowExecution(
                        SignalWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowExecution(
                                CompatServer.execution(sundial.newWorkflowId("never"), null))
                            .setSignalName("add")
                            .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    assertThat(eventsOfType(sundial.history(id, runId), EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED))
        .isEmpty();
  }

  // ---------------------------------------------------------------- SignalWithStart

  @Test
  void signalWithStartStartsAWorkflowThatDoesNotExist() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-absent");
    SwsWorkflow wf = swsStub(id, null, null);
    WorkflowExecution started = signalWithStart(wf, "quick", "hello");
    assertThat(started.getRunId()).isNotEmpty();

    assertThat(result(WorkflowStub.fromTyped(wf), String.class, 30)).isEqualTo("quick:hello");

    List<HistoryEvent> history = sundial.history(id, started.getRunId());
    // The signal is recorded right after the start, before the first workflow task.
    assertThat(eventTypes(history).subList(0, 3))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(signalValues(history)).containsExactly("hello");
  }

  @Test
  void signalWithStartSignalsARunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-running");
    SwsWorkflow first = swsStub(id, null, null);
    String runId = WorkflowClient.start(first::run, "long").getRunId();

    WorkflowExecution again = signalWithStart(swsStub(id, null, null), "ignored", "one");
    assertThat(again.getRunId()).as("run that received the signal").isEqualTo(runId);
    WorkflowExecution third = signalWithStart(swsStub(id, null, null), "ignored", "two");
    assertThat(third.getRunId()).isEqualTo(runId);
    WorkflowStub.fromTyped(first).signal("finish");

    // The input of the running workflow is kept; both signals arrived.
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("long:one,two");
    List<HistoryEvent> history = sundial.history(id, runId);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(signalValues(history)).containsExactly("one", "two");
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(runId);
  }

  @Test
  void signalWithStartIsIdempotentByRequestId() {
    // No worker needed.
    String id = sundial.newWorkflowId("sws-request-id");
    SignalWithStartWorkflowExecutionRequest request =
        SignalWithStartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("SwsWorkflow"))
            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads("long").get())
            .setSignalName("add")
            .setSignalInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads("x").get())
            .setIdentity("compat-test")
            .setRequestId(UUID.randomUUID().toString())
            .build();
    var first = sundial.blockingStub().signalWithStartWorkflowExecution(request);
    var second = sundial.blockingStub().signalWithStartWorkflowExecution(request);
    assertThat(first.getRunId()).isNotEmpty();
    assertThat(first.getStarted()).isTrue();
    assertThat(second.getRunId()).isEqualTo(first.getRunId());
    assertThat(second.getStarted()).isFalse();

    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(signalValues(history)).containsExactly("x");

    // A new request id signals the running workflow again.
    var third =
        sundial
            .blockingStub()
            .signalWithStartWorkflowExecution(
                request.toBuilder().setRequestId(UUID.randomUUID().toString()).build());
    assertThat(third.getRunId()).isEqualTo(first.getRunId());
    assertThat(third.getStarted()).isFalse();
    assertThat(signalValues(sundial.history(id, null))).containsExactly("x", "x");
    sundial.client().newUntypedWorkflowStub(id).terminate("done");
  }

  @Test
  void signalWithStartAfterCompletionStartsANewRunUnderAllowDuplicate() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-allow-dup");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = signalWithStart(first, "quick", "a").getRunId();
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("quick:a");

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE, null);
    String run2 = signalWithStart(second, "quick", "b").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:b");
    assertThat(signalValues(sundial.history(id, run1))).containsExactly("a");
    assertThat(signalValues(sundial.history(id, run2))).containsExactly("b");
  }

  @Test
  void signalWithStartHonoursRejectDuplicate() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-reject");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = signalWithStart(first, "quick", "a").getRunId();
    assertThat(result(WorkflowStub.fromTyped(first), String.class, 30)).isEqualTo("quick:a");

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE, null);
    WorkflowExecutionAlreadyStarted e =
        assertThrows(
            WorkflowExecutionAlreadyStarted.class, () -> signalWithStart(second, "quick", "b"));
    assertThat(e.getExecution().getWorkflowId()).isEqualTo(id);
    // Nothing happened to the closed run, and no new run exists.
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(run1);
    assertThat(signalValues(sundial.history(id, run1))).containsExactly("a");
  }

  @Test
  void signalWithStartHonoursAllowDuplicateFailedOnly() {
    startSwsWorker();
    WorkflowIdReusePolicy policy =
        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY;

    String okId = sundial.newWorkflowId("sws-failed-only-ok");
    SwsWorkflow ok = swsStub(okId, null, null);
    signalWithStart(ok, "quick", "a");
    assertThat(result(WorkflowStub.fromTyped(ok), String.class, 30)).isEqualTo("quick:a");
    assertThrows(
        WorkflowExecutionAlreadyStarted.class,
        () -> signalWithStart(swsStub(okId, policy, null), "quick", "b"));

    String failId = sundial.newWorkflowId("sws-failed-only-fail");
    SwsWorkflow failing = swsStub(failId, null, null);
    String failedRun = signalWithStart(failing, "fail", "a").getRunId();
    assertThrows(
        WorkflowFailedException.class,
        () -> result(WorkflowStub.fromTyped(failing), String.class, 30));
    SwsWorkflow retry = swsStub(failId, policy, null);
    String retryRun = signalWithStart(retry, "quick", "b").getRunId();
    assertThat(retryRun).isNotEqualTo(failedRun);
    assertThat(result(WorkflowStub.fromTyped(retry), String.class, 30)).isEqualTo("quick:b");
  }

  @Test
  void signalWithStartTerminateExistingReplacesTheRunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-terminate-existing");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "long").getRunId();

    SwsWorkflow second =
        swsStub(id, null, WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING);
    String run2 = signalWithStart(second, "quick", "fresh").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:fresh");

    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    List<HistoryEvent> old = sundial.history(id, run1);
    assertThat(old.get(old.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    // The signal went to the new run only.
    assertThat(signalValues(old)).isEmpty();
    assertThat(signalValues(sundial.history(id, run2))).containsExactly("fresh");
  }

  @Test
  @SuppressWarnings("deprecation")
  void signalWithStartTerminateIfRunningReplacesTheRunningWorkflow() {
    startSwsWorker();
    String id = sundial.newWorkflowId("sws-terminate-if-running");
    SwsWorkflow first = swsStub(id, null, null);
    String run1 = WorkflowClient.start(first::run, "long").getRunId();

    SwsWorkflow second =
        swsStub(id, WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, null);
    String run2 = signalWithStart(second, "quick", "fresh").getRunId();
    assertThat(run2).isNotEqualTo(run1);
    assertThat(result(WorkflowStub.fromTyped(second), String.class, 30)).isEqualTo("quick:fresh");
    assertThat(sundial.describe(id, run1).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(signalValues(sundial.history(id, run1))).isEmpty();
  }

  @Test
  void signalWithStartRejectsConflictPolicyFail() {
    String id = sundial.newWorkflowId("sws-conflict-fail");
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .signalWithStartWorkflowExecution(
                        SignalWithStartWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowId(id)
                            .setWorkflowType(WorkflowType.newBuilder().setName("SwsWorkflow"))
                            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                            .setSignalName("add")
                            .setRequestId(UUID.randomUUID().toString())
                            .setWorkflowIdConflictPolicy(
                                WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    // Nothing was started.
    StatusRuntimeException notFound = CompatServer.expectStatus(() -> sundial.describe(id, null));
    assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  // ---------------------------------------------------------------- utilities

  static void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
