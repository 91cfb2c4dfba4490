package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replay from the server's history after a worker restart: Workflow.getVersion across a code
 * change, and sideEffect / mutableSideEffect values that must come from the recorded markers.
 */
class VersioningSideEffectTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final AtomicInteger OLD_STEPS = new AtomicInteger();
  static final AtomicInteger NEW_STEPS = new AtomicInteger();
  static final AtomicInteger SIDE_EFFECT_CALLS = new AtomicInteger();
  static final AtomicReference<String> MUTABLE = new AtomicReference<>();

  private final List<WorkerFactory> factories = new ArrayList<>();

  @ActivityInterface
  public interface Steps {
    String oldStep();

    String newStep();
  }

  public static class StepsImpl implements Steps {
    @Override
    public String oldStep() {
      OLD_STEPS.incrementAndGet();
      return "old";
    }

    @Override
    public String newStep() {
      NEW_STEPS.incrementAndGet();
      return "new";
    }
  }

  static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build();

  /** The workflow type both code versions implement. */
  @WorkflowInterface
  public interface Versioned {
    @WorkflowMethod
    String run();

    @SignalMethod
    void release();
  }

  /** Version 1: one activity, then waits for the signal. */
  public static class VersionedV1 implements Versioned {
    private final Steps steps = Workflow.newActivityStub(Steps.class, OPTIONS);
    private boolean released;

    @Override
    public String run() {
      String a = steps.oldStep();
      Workflow.await(() -> released);
      return a + "/v1";
    }

    @Override
    public void release() {
      released = true;
    }
  }

  /** Version 2: a different activity, guarded by getVersion. */
  public static class VersionedV2 implements Versioned {
    private final Steps steps = Workflow.newActivityStub(Steps.class, OPTIONS);
    private boolean released;

    @Override
    public String run() {
      int v = Workflow.getVersion("step", Workflow.DEFAULT_VERSION, 1);
      String a = v == Workflow.DEFAULT_VERSION ? steps.oldStep() : steps.newStep();
      Workflow.await(() -> released);
      return a + "/v2/version=" + v;
    }

    @Override
    public void release() {
      released = true;
    }
  }

  @WorkflowInterface
  public interface Effects {
    @WorkflowMethod
    List<String> run();

    @SignalMethod
    void proceed();
  }

  /** mutableSideEffect records a new value only when this says it changed. */
  static final BiPredicate<String, String> CHANGED = (a, b) -> !a.equals(b);

  public static class EffectsImpl implements Effects {
    private boolean proceed;

    @Override
    public List<String> run() {
      long se =
          Workflow.sideEffect(
              long.class, () -> 1000L * SIDE_EFFECT_CALLS.incrementAndGet() + System.nanoTime() % 997);
      String m1 = Workflow.mutableSideEffect("m", String.class, CHANGED, MUTABLE::get);
      Workflow.await(() -> proceed);
      String m2 = Workflow.mutableSideEffect("m", String.class, CHANGED, MUTABLE::get);
      String m3 = Workflow.mutableSideEffect("m", String.class, CHANGED, MUTABLE::get);
      List<String> out = new ArrayList<>();
      out.add(Long.toString(se));
      out.add(m1);
      out.add(m2);
      out.add(m3);
      return out;
    }

    @Override
    public void proceed() {
      proceed = true;
    }
  }

  @AfterEach
  void stopFactories() {
    for (WorkerFactory f : factories) {
      f.shutdownNow();
      f.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A fresh worker process, as far as the SDK is concerned: its own factory and cache. */
  private WorkerFactory deploy(Class<?> workflowImpl) {
    WorkerFactory factory = WorkerFactory.newInstance(sundial.client());
    Worker worker = factory.newWorker(sundial.taskQueue());
    worker.registerWorkflowImplementationTypes(workflowImpl);
    worker.registerActivitiesImplementations(new StepsImpl());
    factory.start();
    factories.add(factory);
    return factory;
  }

  private static void undeploy(WorkerFactory factory) {
    factory.shutdown();
    factory.awaitTermination(30, TimeUnit.SECONDS);
    assertThat(factory.isTerminated()).as("worker stopped").isTrue();
  }

  private void awaitBlocked(String id, int activities) {
    CompatServer.await(
        Duration.ofSeconds(30),
        id + " to finish its activity and block on the signal",
        () -> {
          List<HistoryEvent> h = sundial.history(id, null);
          return eventsOfType(h, EVENT_TYPE_ACTIVITY_TASK_COMPLETED).size() == activities
              && h.get(h.size() - 1).getEventType() == EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
        });
  }

  private static <T> T result(WorkflowStub stub, Class<T> type) {
    try {
      return stub.getResult(60, TimeUnit.SECONDS, type);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 60 s", e);
    }
  }

  private static void assertCleanHistory(List<HistoryEvent> history) {
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED))
        .as("failed workflow tasks (a non-determinism error shows up here)")
        .isEmpty();
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void getVersionAcrossAWorkerRedeploy() {
    OLD_STEPS.set(0);
    NEW_STEPS.set(0);
    WorkerFactory v1 = deploy(VersionedV1.class);
    String oldId = sundial.newWorkflowId("versioned-old");
    Versioned old = sundial.newWorkflowStub(Versioned.class, oldId);
    WorkflowClient.start(old::run);
    awaitBlocked(oldId, 1);
    undeploy(v1);

    // Version 2 takes over: the running workflow replays its v1 history on v2 code.
    WorkerFactory v2 = deploy(VersionedV2.class);
    WorkflowStub.fromTyped(old).signal("release");
    assertThat(result(WorkflowStub.fromTyped(old), String.class))
        .isEqualTo("old/v2/version=" + Workflow.DEFAULT_VERSION);
    List<HistoryEvent> oldHistory = sundial.history(oldId, null);
    assertCleanHistory(oldHistory);
    assertThat(eventsOfType(oldHistory, EVENT_TYPE_MARKER_RECORDED)).isEmpty();
    assertThat(OLD_STEPS.get()).isEqualTo(1);
    assertThat(NEW_STEPS.get()).isZero();

    // A new workflow takes the new branch and records a version marker ...
    String newId = sundial.newWorkflowId("versioned-new");
    Versioned fresh = sundial.newWorkflowStub(Versioned.class, newId);
    WorkflowClient.start(fresh::run);
    awaitBlocked(newId, 1);
    // ... which the next deployment replays from history.
    undeploy(v2);
    deploy(VersionedV2.class);
    WorkflowStub.fromTyped(fresh).signal("release");
    assertThat(result(WorkflowStub.fromTyped(fresh), String.class)).isEqualTo("new/v2/version=1");
    List<HistoryEvent> newHistory = sundial.history(newId, null);
    assertCleanHistory(newHistory);
    List<HistoryEvent> markers = eventsOfType(newHistory, EVENT_TYPE_MARKER_RECORDED);
    assertThat(markers).hasSize(1);
    assertThat(markers.get(0).getMarkerRecordedEventAttributes().getMarkerName())
        .isEqualTo("Version");
    assertThat(markers.get(0).getMarkerRecordedEventAttributes().getDetailsMap()).isNotEmpty();
    assertThat(NEW_STEPS.get()).isEqualTo(1);
    assertThat(OLD_STEPS.get()).isEqualTo(1);
  }

  @Test
  void gracefulWorkerShutdownReleasesItsStickyQueue() {
    // A graceful shutdown sends ShutdownWorker with the worker's sticky queue; Temporal unloads
    // that queue, so the next workflow task goes straight to the normal queue (matching answers
    // StickyWorkerUnavailable) instead of waiting out the sticky schedule-to-start timeout.
    WorkerFactory first = deploy(VersionedV1.class);
    String id = sundial.newWorkflowId("sticky-release");
    Versioned wf = sundial.newWorkflowStub(Versioned.class, id);
    WorkflowClient.start(wf::run);
    awaitBlocked(id, 1);
    undeploy(first);
    deploy(VersionedV1.class);
    WorkflowStub.fromTyped(wf).signal("release");
    assertThat(result(WorkflowStub.fromTyped(wf), String.class)).isEqualTo("old/v1");
    List<HistoryEvent> history = sundial.history(id, null);
    assertCleanHistory(history);
    assertThat(
            eventsOfType(
                history, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT))
        .as("workflow tasks that waited on the departed worker's sticky queue")
        .isEmpty();
  }

  @Test
  void sideEffectsAreReplayedFromHistoryAfterAWorkerRestart() {
    SIDE_EFFECT_CALLS.set(0);
    MUTABLE.set("x1");
    WorkerFactory first = deploy(EffectsImpl.class);
    String id = sundial.newWorkflowId("effects");
    Effects wf = sundial.newWorkflowStub(Effects.class, id);
    WorkflowClient.start(wf::run);
    CompatServer.await(
        Duration.ofSeconds(30),
        "the side effect markers of the first task",
        () -> {
          List<HistoryEvent> h = sundial.history(id, null);
          // Markers are written with the completion of the task that recorded them.
          return eventsOfType(h, EVENT_TYPE_MARKER_RECORDED).size() == 2;
        });
    undeploy(first);
    assertThat(SIDE_EFFECT_CALLS.get()).isEqualTo(1);

    // The new worker replays: the recorded values win over what the functions would give now.
    MUTABLE.set("x2");
    deploy(EffectsImpl.class);
    WorkflowStub.fromTyped(wf).signal("proceed");
    @SuppressWarnings("unchecked")
    List<String> result = result(WorkflowStub.fromTyped(wf), List.class);
    assertThat(SIDE_EFFECT_CALLS.get()).as("side effect function calls").isEqualTo(1);
    assertThat(Long.parseLong(result.get(0)) / 1000).isEqualTo(1L);
    assertThat(result.subList(1, 4)).containsExactly("x1", "x2", "x2");

    List<HistoryEvent> history = sundial.history(id, null);
    assertCleanHistory(history);
    // sideEffect, the first mutableSideEffect value and its change: three markers.
    List<HistoryEvent> markers = eventsOfType(history, EVENT_TYPE_MARKER_RECORDED);
    assertThat(markers).hasSize(3);
    assertThat(markers.get(0).getMarkerRecordedEventAttributes().getMarkerName())
        .isEqualTo("SideEffect");
    assertThat(markers.get(1).getMarkerRecordedEventAttributes().getMarkerName())
        .isEqualTo("MutableSideEffect");
  }
}
