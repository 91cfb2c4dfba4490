package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ResetWorkflowExecution through the raw API (the Java SDK's client has no reset helper); the
 * SDK worker then runs the reset run to completion, and its history replays without
 * non-determinism.
 */
class ResetTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final AtomicInteger STEP_CALLS = new AtomicInteger();

  @ActivityInterface
  public interface Steps {
    String step(int i);
  }

  public static class StepsImpl implements Steps {
    @Override
    public String step(int i) {
      STEP_CALLS.incrementAndGet();
      return "step-" + i;
    }
  }

  @WorkflowInterface
  public interface StepsWorkflow {
    @WorkflowMethod
    String run(int steps);

    @SignalMethod
    void add(String value);

    @UpdateMethod
    String addByUpdate(String value);
  }

  public static class StepsWorkflowImpl implements StepsWorkflow {
    private final Steps steps =
        Workflow.newActivityStub(
            Steps.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
    private final List<String> received = new ArrayList<>();

    @Override
    public String run(int n) {
      StringBuilder out = new StringBuilder();
      // Deterministic per run-id seed: a replay of the copied prefix sees the base run's value.
      String marker = Workflow.randomUUID().toString();
      for (int i = 0; i < n; i++) {
        out.append(steps.step(i)).append(',');
      }
      Workflow.await(() -> received.contains("done"));
      List<String> sorted = new ArrayList<>(received);
      Collections.sort(sorted);
      return out + "|" + String.join("+", sorted) + "|" + (marker.isEmpty() ? "?" : "m");
    }

    @Override
    public void add(String value) {
      received.add(value);
    }

    @Override
    public String addByUpdate(String value) {
      received.add(value);
      return "added " + value;
    }
  }

  @WorkflowInterface
  public interface ParentWorkflow {
    @WorkflowMethod
    String run(String childId);
  }

  public static class ParentWorkflowImpl implements ParentWorkflow {
    @Override
    public String run(String childId) {
      StepsWorkflow child =
          Workflow.newChildWorkflowStub(
              StepsWorkflow.class,
              ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
      return "parent got " + child.run(1);
    }
  }

  private String reset(String workflowId, String runId, long finishEventId, String requestId) {
    return sundial
        .blockingStub()
        .resetWorkflowExecution(
            ResetWorkflowExecutionRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setWorkflowExecution(
                    WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                .setReason("reset by test")
                .setWorkflowTaskFinishEventId(finishEventId)
                .setRequestId(requestId)
                .build())
        .getRunId();
  }

  private String result(String workflowId, String runId) throws Exception {
    return sundial
        .client()
        .newUntypedWorkflowStub(workflowId, Optional.of(runId), Optional.empty())
        .getResult(30, TimeUnit.SECONDS, String.class);
  }

  private void assertResetRunReplays(String workflowId, String runId) throws Exception {
    List<HistoryEvent> history = sundial.history(workflowId, runId);
    List<HistoryEvent> failures =
        CompatServer.eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    // Only the reset's own failure: a non-determinism error would have failed more tasks.
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW);
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    sundial.worker().replayWorkflowExecution(sundial.client().fetchHistory(workflowId, runId));
  }

  @Test
  void resetToFirstMiddleAndLastWorkflowTask() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(StepsWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new StepsImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("reset");
    StepsWorkflow wf = sundial.newWorkflowStub(StepsWorkflow.class, id);
    String baseRun = WorkflowClient.start(wf::run, 3).getRunId();
    wf.add("a");
    CompatServer.await(Duration.ofSeconds(30), "three steps done", () ->
        CompatServer.eventsOfType(sundial.history(id, baseRun),
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).size() == 3);
    wf.add("done");
    String expected = WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, String.class);
    assertThat(expected).isEqualTo("step-0,step-1,step-2,|a+done|m");

    List<HistoryEvent> baseHistory = sundial.history(id, baseRun);
    List<Long> completions =
        CompatServer.eventsOfType(baseHistory, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).stream()
            .map(HistoryEvent::getEventId)
            .toList();
    assertThat(completions.size()).isGreaterThanOrEqualTo(4);

    // First workflow task: everything after it runs again; both signals are reapplied.
    int callsBefore = STEP_CALLS.get();
    String first = reset(id, baseRun, completions.get(0), UUID.randomUUID().toString());
    assertThat(result(id, first)).isEqualTo(expected);
    assertThat(STEP_CALLS.get() - callsBefore).isEqualTo(3);
    List<HistoryEvent> firstHistory = sundial.history(id, first);
    assertThat(firstHistory.subList(0, 3)).isEqualTo(baseHistory.subList(0, 3));
    HistoryEvent failed = firstHistory.get(3);
    assertThat(failed.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getBaseRunId()).isEqualTo(baseRun);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getNewRunId()).isEqualTo(first);
    assertThat(firstHistory.get(4).getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(firstHistory.get(5).getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertResetRunReplays(id, first);

    // A middle one (the task after the first step's result): that step is not repeated.
    long firstStepDone =
        CompatServer.eventsOfType(baseHistory, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
            .get(0).getEventId();
    long middlePoint = completions.stream().filter(c -> c > firstStepDone).findFirst().orElseThrow();
    callsBefore = STEP_CALLS.get();
    String middle = reset(id, baseRun, middlePoint, UUID.randomUUID().toString());
    assertThat(result(id, middle)).isEqualTo(expected);
    assertThat(STEP_CALLS.get() - callsBefore).isEqualTo(2);
    assertResetRunReplays(id, middle);

    // The last one (the task that completed the workflow): it simply completes again.
    callsBefore = STEP_CALLS.get();
    String requestId = UUID.randomUUID().toString();
    String last = reset(id, baseRun, completions.get(completions.size() - 1), requestId);
    assertThat(result(id, last)).isEqualTo(expected);
    assertThat(STEP_CALLS.get() - callsBefore).isEqualTo(0);
    assertResetRunReplays(id, last);

    // The same request again: the same run, nothing new.
    assertThat(reset(id, baseRun, completions.get(completions.size() - 1), requestId)).isEqualTo(last);

    // Links: the base run names the latest reset run; the reset run is current.
    var baseDescribed = sundial.describe(id, baseRun);
    assertThat(baseDescribed.getWorkflowExtendedInfo().getResetRunId()).isEqualTo(last);
    var current = sundial.describe(id, null);
    assertThat(current.getWorkflowExecutionInfo().getExecution().getRunId()).isEqualTo(last);
    assertThat(current.getWorkflowExecutionInfo().getFirstRunId()).isEqualTo(baseRun);
    assertThat(current.getWorkflowExtendedInfo().hasLastResetTime()).isTrue();
    assertThat(current.getWorkflowExtendedInfo().getOriginalStartTime())
        .isEqualTo(baseDescribed.getWorkflowExecutionInfo().getStartTime());
  }

  @Test
  void resetOfARunningWorkflowTerminatesItAndReappliesItsSignals() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(StepsWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new StepsImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("reset-running");
    StepsWorkflow wf = sundial.newWorkflowStub(StepsWorkflow.class, id);
    String baseRun = WorkflowClient.start(wf::run, 1).getRunId();
    CompatServer.await(Duration.ofSeconds(30), "step done and waiting", () -> {
      List<HistoryEvent> h = sundial.history(id, baseRun);
      return h.get(h.size() - 1).getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
          && CompatServer.eventsOfType(h, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).size() == 1;
    });
    wf.add("x");
    CompatServer.await(Duration.ofSeconds(30), "signal handled", () -> {
      List<HistoryEvent> h = sundial.history(id, baseRun);
      return h.get(h.size() - 1).getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
          && !CompatServer.eventsOfType(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).isEmpty();
    });
    long firstCompleted =
        CompatServer.eventsOfType(sundial.history(id, baseRun), EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
            .get(0).getEventId();

    String newRun = reset(id, baseRun, firstCompleted, UUID.randomUUID().toString());
    var base = sundial.describe(id, baseRun).getWorkflowExecutionInfo();
    assertThat(base.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    List<HistoryEvent> baseHistory = sundial.history(id, baseRun);
    assertThat(baseHistory.get(baseHistory.size() - 1)
            .getWorkflowExecutionTerminatedEventAttributes().getReason())
        .isEqualTo("reset by test");

    // A signal without a run id goes to the current run: the reset one.
    sundial.client().newUntypedWorkflowStub(id).signal("add", "done");
    assertThat(result(id, newRun)).isEqualTo("step-0,|done+x|m");
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(newRun);
    assertResetRunReplays(id, newRun);
  }

  @Test
  void updatesAfterTheResetPointAreReappliedUnlessExcluded() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(StepsWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new StepsImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("reset-update");
    StepsWorkflow wf = sundial.newWorkflowStub(StepsWorkflow.class, id);
    String baseRun = WorkflowClient.start(wf::run, 1).getRunId();
    assertThat(wf.addByUpdate("u")).isEqualTo("added u");
    wf.add("done");
    assertThat(result(id, baseRun)).isEqualTo("step-0,|done+u|m");
    long firstCompleted =
        CompatServer.eventsOfType(sundial.history(id, baseRun), EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
            .get(0).getEventId();

    String withUpdates = reset(id, baseRun, firstCompleted, UUID.randomUUID().toString());
    assertThat(result(id, withUpdates)).isEqualTo("step-0,|done+u|m");
    List<HistoryEvent> h = sundial.history(id, withUpdates);
    assertThat(CompatServer.eventsOfType(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED)).hasSize(1);
    assertThat(CompatServer.eventsOfType(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).hasSize(1);
    assertResetRunReplays(id, withUpdates);

    // Excluding updates: only the signal comes back, so the update's value is missing.
    String withoutUpdates =
        sundial.blockingStub().resetWorkflowExecution(
                ResetWorkflowExecutionRequest.newBuilder()
                    .setNamespace(CompatServer.NAMESPACE)
                    .setWorkflowExecution(
                        WorkflowExecution.newBuilder().setWorkflowId(id).setRunId(baseRun))
                    .setReason("no updates")
                    .setWorkflowTaskFinishEventId(firstCompleted)
                    .setRequestId(UUID.randomUUID().toString())
                    .addResetReapplyExcludeTypes(
                        ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE)
                    .build())
            .getRunId();
    assertThat(result(id, withoutUpdates)).isEqualTo("step-0,|done|m");
    assertResetRunReplays(id, withoutUpdates);
  }

  @Test
  void aResetChildReportsToItsParentFromTheNewRun() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(StepsWorkflowImpl.class, ParentWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new StepsImpl());
    sundial.startWorkers();

    String parentId = sundial.newWorkflowId("reset-parent");
    String childId = parentId + "-child";
    ParentWorkflow parent = sundial.newWorkflowStub(ParentWorkflow.class, parentId);
    WorkflowClient.start(parent::run, childId);
    CompatServer.await(Duration.ofSeconds(30), "child waiting for its signal", () -> {
      try {
        List<HistoryEvent> h = sundial.history(childId, null);
        return CompatServer.eventsOfType(h, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).size() == 1
            && h.get(h.size() - 1).getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
      } catch (StatusRuntimeException e) {
        return false;
      }
    });
    String childRun = sundial.describe(childId, null).getWorkflowExecutionInfo().getExecution().getRunId();
    String newChildRun = reset(childId, childRun, 4, UUID.randomUUID().toString());
    assertThat(newChildRun).isNotEqualTo(childRun);
    assertThat(sundial.describe(childId, newChildRun).getWorkflowExecutionInfo().getParentExecution()
            .getWorkflowId())
        .isEqualTo(parentId);

    // The parent did not hear of the terminated run; it gets the reset run's result.
    sundial.client().newUntypedWorkflowStub(childId).signal("add", "done");
    assertThat(WorkflowStub.fromTyped(parent).getResult(30, TimeUnit.SECONDS, String.class))
        .isEqualTo("parent got step-0,|done|m");
    assertThat(CompatServer.eventsOfType(sundial.history(parentId, null),
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED))
        .isEmpty();
  }

  @Test
  void badResetRequestsAreRejected() {
    var stub = sundial.blockingStub();
    var noRequestId =
        CompatServer.expectStatus(() -> stub.resetWorkflowExecution(
            ResetWorkflowExecutionRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("x"))
                .setWorkflowTaskFinishEventId(4)
                .build()));
    assertThat(noRequestId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(noRequestId.getStatus().getDescription()).contains("RequestId");
    var missing =
        CompatServer.expectStatus(() -> stub.resetWorkflowExecution(
            ResetWorkflowExecutionRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("no-such-workflow"))
                .setWorkflowTaskFinishEventId(4)
                .setRequestId("r")
                .build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
