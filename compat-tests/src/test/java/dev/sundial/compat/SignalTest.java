package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
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
 * Signals: order, volume, idempotency by request id, errors for closed workflows (SignalWithStart
 * has its own class).
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

  // ---------------------------------------------------------------- helpers

  static <T> T result(WorkflowStub stub, Class<T> type, int seconds) {
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

  static List<String> signalValues(List<HistoryEvent> history) {
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
