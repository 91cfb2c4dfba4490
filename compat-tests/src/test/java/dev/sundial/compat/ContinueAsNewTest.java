package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Continue-as-new chains: input, task queue and memo carried; run links; describe; results. */
class ContinueAsNewTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final int HOPS = 100;

  @WorkflowInterface
  public interface Counter {
    /**
     * Continues as new with {@code count + 1} until {@code count == target}; the last hop moves to
     * {@code lastQueue} and sets a memo. The final run reports what it inherited.
     */
    @WorkflowMethod
    String count(int count, int target, String lastQueue);
  }

  public static class CounterImpl implements Counter {
    @Override
    public String count(int count, int target, String lastQueue) {
      if (count < target - 1) {
        Workflow.continueAsNew(count + 1, target, lastQueue);
      }
      if (count == target - 1) {
        Workflow.continueAsNew(
            ContinueAsNewOptions.newBuilder()
                .setTaskQueue(lastQueue)
                .setMemo(Map.<String, Object>of("hop", "last", "count", count + 1))
                .build(),
            count + 1,
            target,
            lastQueue);
      }
      return "count="
          + count
          + " queue="
          + Workflow.getInfo().getTaskQueue()
          + " memo="
          + Workflow.getMemo("hop", String.class)
          + " first="
          + Workflow.getInfo().getFirstExecutionRunId()
          + " previous="
          + Workflow.getInfo().getContinuedExecutionRunId().orElse("none");
    }
  }

  /** Collects signals and continues as new after each one, carrying what it has so far. */
  @WorkflowInterface
  public interface Carrier {
    @WorkflowMethod
    List<String> run(List<String> sofar, int expected);

    @SignalMethod
    void add(String value);
  }

  public static class CarrierImpl implements Carrier {
    private final List<String> received = new ArrayList<>();

    @Override
    public List<String> run(List<String> sofar, int expected) {
      Workflow.await(() -> !received.isEmpty() || sofar.size() >= expected);
      List<String> all = new ArrayList<>(sofar);
      all.addAll(received);
      if (all.size() >= expected) {
        return all;
      }
      Workflow.continueAsNew(all, expected);
      throw new IllegalStateException("unreachable");
    }

    @Override
    public void add(String value) {
      received.add(value);
    }
  }

  private static <T> T result(WorkflowStub stub, Class<T> type) {
    try {
      return stub.getResult(90, TimeUnit.SECONDS, type);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 90 s", e);
    }
  }

  @Test
  void chainOfOneHundredRunsCarriesInputTaskQueueAndMemo() {
    String lastQueue = sundial.taskQueue() + "-last";
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial
        .newWorker(lastQueue, WorkerOptions.getDefaultInstance())
        .registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("can-chain");
    Counter wf = sundial.newWorkflowStub(Counter.class, id);
    String firstRun = WorkflowClient.start(wf::count, 0, HOPS, lastQueue).getRunId();

    // getResult on the stub of the first run follows the chain to its end.
    String result = result(WorkflowStub.fromTyped(wf), String.class);

    // Walk the chain from the first run.
    List<String> runs = new ArrayList<>();
    runs.add(firstRun);
    for (int i = 0; i < HOPS; i++) {
      String run = runs.get(i);
      List<HistoryEvent> history = sundial.history(id, run);
      assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED))
          .as("failed tasks of run #%d", i)
          .isEmpty();
      HistoryEvent close = history.get(history.size() - 1);
      assertThat(close.getEventType())
          .as("close event of run #%d", i)
          .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
      var attrs = close.getWorkflowExecutionContinuedAsNewEventAttributes();
      assertThat(attrs.getNewExecutionRunId()).isNotEmpty().isNotEqualTo(run);
      assertThat(attrs.getInitiator())
          .isIn(
              ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
              ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED);
      assertThat(sundial.describe(id, run).getWorkflowExecutionInfo().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW);
      runs.add(attrs.getNewExecutionRunId());
    }
    assertThat(runs).doesNotHaveDuplicates();
    String lastRun = runs.get(HOPS);

    assertThat(result)
        .isEqualTo(
            "count="
                + HOPS
                + " queue="
                + lastQueue
                + " memo=last first="
                + firstRun
                + " previous="
                + runs.get(HOPS - 1));

    // Each run's first event links to the previous run and to the head of the chain.
    for (int i = 1; i <= HOPS; i++) {
      List<HistoryEvent> history = sundial.history(id, runs.get(i));
      HistoryEvent first = history.get(0);
      assertThat(first.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      WorkflowExecutionStartedEventAttributes start =
          first.getWorkflowExecutionStartedEventAttributes();
      assertThat(start.getContinuedExecutionRunId())
          .as("continued_execution_run_id of run #%d", i)
          .isEqualTo(runs.get(i - 1));
      assertThat(start.getFirstExecutionRunId()).isEqualTo(firstRun);
      assertThat(start.getOriginalExecutionRunId()).isEqualTo(runs.get(i));
      assertThat(start.getInitiator())
          .isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
      Integer count =
          DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
              0, Optional.of(start.getInput()), Integer.class, Integer.class);
      assertThat(count).as("input of run #%d", i).isEqualTo(i);
      assertThat(start.getTaskQueue().getName())
          .isEqualTo(i == HOPS ? lastQueue : sundial.taskQueue());
    }
    assertThat(
            sundial
                .history(id, firstRun)
                .get(0)
                .getWorkflowExecutionStartedEventAttributes()
                .getContinuedExecutionRunId())
        .isEmpty();

    // Describe by id: the last run, completed, with the chain's first run id and the memo.
    var info = sundial.describe(id, null).getWorkflowExecutionInfo();
    assertThat(info.getExecution().getRunId()).isEqualTo(lastRun);
    assertThat(info.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(info.getFirstRunId()).isEqualTo(firstRun);
    assertThat(info.getTaskQueue()).isEqualTo(lastQueue);
    Payload hop = info.getMemo().getFieldsOrThrow("hop");
    assertThat(DefaultDataConverter.STANDARD_INSTANCE.fromPayload(hop, String.class, String.class))
        .isEqualTo("last");
    assertThat(sundial.describe(id, runs.get(50)).getWorkflowExecutionInfo().getFirstRunId())
        .isEqualTo(firstRun);
    List<HistoryEvent> lastHistory = sundial.history(id, lastRun);
    assertThat(lastHistory.get(lastHistory.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void signalsFollowTheChain() {
    sundial.worker().registerWorkflowImplementationTypes(CarrierImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("can-signals");
    Carrier wf = sundial.newWorkflowStub(Carrier.class, id);
    String firstRun = WorkflowClient.start(wf::run, List.of(), 5).getRunId();
    WorkflowStub byId = sundial.client().newUntypedWorkflowStub(id);
    // The first signal makes the first run continue as new ...
    byId.signal("add", "s0");
    CompatServer.await(
        Duration.ofSeconds(30),
        "the first run to continue as new",
        () ->
            !sundial
                .describe(id, null)
                .getWorkflowExecutionInfo()
                .getExecution()
                .getRunId()
                .equals(firstRun));
    // ... and the others, sent by workflow id, reach whichever run is current.
    for (int i = 1; i < 5; i++) {
      byId.signal("add", "s" + i);
    }
    @SuppressWarnings("unchecked")
    List<String> all = result(WorkflowStub.fromTyped(wf), List.class);
    assertThat(all).containsExactly("s0", "s1", "s2", "s3", "s4");

    // Every signal was recorded exactly once across the runs of the chain.
    int signals = 0;
    String run = firstRun;
    int runs = 0;
    while (true) {
      List<HistoryEvent> history = sundial.history(id, run);
      signals += eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).size();
      runs++;
      HistoryEvent close = history.get(history.size() - 1);
      if (close.getEventType() != EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        assertThat(close.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
        break;
      }
      run = close.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
    }
    assertThat(signals).isEqualTo(5);
    assertThat(runs).isBetween(2, 6);
  }

  @Test
  void workflowRunTimeoutAppliesPerRun() {
    // Each run is short; the chain as a whole may outlive one run timeout.
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    String lastQueue = sundial.taskQueue() + "-last";
    sundial
        .newWorker(lastQueue, WorkerOptions.getDefaultInstance())
        .registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("can-timeout");
    Counter wf =
        sundial
            .client()
            .newWorkflowStub(
                Counter.class,
                sundial
                    .workflowOptions(id)
                    .setWorkflowRunTimeout(Duration.ofSeconds(30))
                    .build());
    String firstRun = WorkflowClient.start(wf::count, 0, 3, lastQueue).getRunId();
    assertThat(result(WorkflowStub.fromTyped(wf), String.class)).startsWith("count=3 ");
    String run = firstRun;
    for (int i = 0; i < 3; i++) {
      List<HistoryEvent> history = sundial.history(id, run);
      var start = history.get(0).getWorkflowExecutionStartedEventAttributes();
      assertThat(start.getWorkflowRunTimeout().getSeconds()).isEqualTo(30);
      run =
          history
              .get(history.size() - 1)
              .getWorkflowExecutionContinuedAsNewEventAttributes()
              .getNewExecutionRunId();
    }
  }
}
