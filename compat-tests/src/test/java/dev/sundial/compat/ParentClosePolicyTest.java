package dev.sundial.compat;

import static dev.sundial.compat.ChildWorkflowTest.SAW_CANCEL;
import static dev.sundial.compat.ChildWorkflowTest.last;
import static dev.sundial.compat.ChildWorkflowTest.result;
import static dev.sundial.compat.ChildWorkflowTest.single;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.ChildWorkflowTest.Child;
import dev.sundial.compat.ChildWorkflowTest.ChildImpl;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Parent close policies (terminate, request cancel, abandon) applied to the children of a parent
 * that completes, is terminated or continues as new.
 */
class ParentClosePolicyTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final int CHILDREN = 50;

  /** Children that saw a cancellation request, by workflow id. */
  /** Starts {@code CHILDREN} waiting children with a parent close policy, waits until they run. */
  @WorkflowInterface
  public interface ManyChildrenParent {
    @WorkflowMethod
    int run(String prefix, ParentClosePolicy policy);
  }

  public static class ManyChildrenParentImpl implements ManyChildrenParent {
    @Override
    public int run(String prefix, ParentClosePolicy policy) {
      List<Promise<WorkflowExecution>> started = new ArrayList<>();
      for (int i = 0; i < CHILDREN; i++) {
        Child child =
            Workflow.newChildWorkflowStub(
                Child.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(prefix + "-" + i)
                    .setParentClosePolicy(policy)
                    .build());
        Async.function(child::run, "wait");
        started.add(Workflow.getWorkflowExecution(child));
      }
      Promise.allOf(started).get();
      return started.size();
    }
  }

  /**
   * Starts three waiting children, one per parent close policy ({prefix}-terminate, -cancel,
   * -abandon), waits until they run, then waits forever ("wait") or continues as new ("can"); the
   * run started with "done" returns at once.
   */
  @WorkflowInterface
  public interface HoldingParent {
    @WorkflowMethod
    String run(String prefix, String then);
  }

  public static class HoldingParentImpl implements HoldingParent {
    @Override
    public String run(String prefix, String then) {
      if (then.equals("done")) {
        return "done";
      }
      String[] suffixes = {"terminate", "cancel", "abandon"};
      ParentClosePolicy[] policies = {
        ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE,
        ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL,
        ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON
      };
      List<Promise<WorkflowExecution>> started = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Child child =
            Workflow.newChildWorkflowStub(
                Child.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(prefix + "-" + suffixes[i])
                    .setParentClosePolicy(policies[i])
                    .build());
        Async.function(child::run, "wait");
        started.add(Workflow.getWorkflowExecution(child));
      }
      Promise.allOf(started).get();
      if (then.equals("can")) {
        Workflow.continueAsNew(prefix, "done");
      }
      Workflow.await(() -> false);
      return "unreachable";
    }
  }

  // ---------------------------------------------------------------- parent close policies

  private void assertPoliciesApplied(String prefix) {
    CompatServer.await(
        Duration.ofSeconds(30),
        prefix + "-terminate to be terminated",
        () ->
            sundial.status(prefix + "-terminate")
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    CompatServer.await(
        Duration.ofSeconds(30),
        prefix + "-cancel to be cancelled",
        () ->
            sundial.status(prefix + "-cancel") == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(SAW_CANCEL).contains(prefix + "-cancel");
    assertThat(sundial.status(prefix + "-abandon"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    sundial.client().newUntypedWorkflowStub(prefix + "-abandon").signal("finish");
    assertThat(result(sundial.client().newUntypedWorkflowStub(prefix + "-abandon"), String.class))
        .isEqualTo("finished");
  }

  private void startWorker() {
    sundial.worker().registerWorkflowImplementationTypes(ChildImpl.class, HoldingParentImpl.class, ManyChildrenParentImpl.class);
    sundial.startWorkers();
  }

  @Test
  void parentClosePoliciesApplyWhenTheParentIsTerminated() {
    startWorker();
    String parentId = sundial.newWorkflowId("holding-terminated");
    HoldingParent parent = sundial.newWorkflowStub(HoldingParent.class, parentId);
    String runId = WorkflowClient.start(parent::run, parentId, "wait").getRunId();
    CompatServer.await(
        Duration.ofSeconds(30),
        "three children to start",
        () ->
            eventsOfType(sundial.history(parentId, runId), EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
                    .size()
                == 3);
    WorkflowStub.fromTyped(parent).terminate("stop the parent");
    assertPoliciesApplied(parentId);
  }

  @Test
  void parentClosePoliciesApplyWhenTheParentContinuesAsNew() {
    startWorker();
    String parentId = sundial.newWorkflowId("holding-can");
    HoldingParent parent = sundial.newWorkflowStub(HoldingParent.class, parentId);
    String firstRun = WorkflowClient.start(parent::run, parentId, "can").getRunId();
    assertThat(result(WorkflowStub.fromTyped(parent), String.class)).isEqualTo("done");
    assertThat(last(sundial.history(parentId, firstRun)).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertPoliciesApplied(parentId);
  }

  private String runManyChildren(ParentClosePolicy policy) {
    String parentId = sundial.newWorkflowId("many-" + policy.name().toLowerCase());
    ManyChildrenParent parent = sundial.newWorkflowStub(ManyChildrenParent.class, parentId);
    WorkflowClient.start(parent::run, parentId, policy);
    assertThat(result(WorkflowStub.fromTyped(parent), Integer.class)).isEqualTo(CHILDREN);
    List<HistoryEvent> history = sundial.history(parentId, null);
    assertThat(eventsOfType(history, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED))
        .hasSize(CHILDREN);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
    return parentId;
  }

  private void awaitChildren(String parentId, WorkflowExecutionStatus expected) {
    for (int i = 0; i < CHILDREN; i++) {
      String childId = parentId + "-" + i;
      CompatServer.await(
          Duration.ofSeconds(60),
          childId + " to be " + expected,
          () -> sundial.status(childId) == expected);
    }
  }

  @Test
  void parentClosePolicyTerminateTerminatesTheChildren() {
    startWorker();
    String parentId = runManyChildren(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE);
    awaitChildren(parentId, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    for (int i = 0; i < CHILDREN; i++) {
      List<HistoryEvent> h = sundial.history(parentId + "-" + i, null);
      assertThat(last(h).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
      single(h, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    }
  }

  @Test
  void parentClosePolicyRequestCancelCancelsTheChildren() {
    startWorker();
    String parentId = runManyChildren(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL);
    awaitChildren(parentId, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    for (int i = 0; i < CHILDREN; i++) {
      String childId = parentId + "-" + i;
      assertThat(SAW_CANCEL).contains(childId);
      List<HistoryEvent> h = sundial.history(childId, null);
      single(h, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
      assertThat(last(h).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
    }
  }

  @Test
  void parentClosePolicyAbandonLeavesTheChildrenRunning() {
    startWorker();
    String parentId = runManyChildren(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON);
    for (int i = 0; i < CHILDREN; i++) {
      String childId = parentId + "-" + i;
      assertThat(sundial.status(childId))
          .as("%s after its parent closed", childId)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    }
    for (int i = 0; i < CHILDREN; i++) {
      sundial.client().newUntypedWorkflowStub(parentId + "-" + i).signal("finish");
    }
    for (int i = 0; i < CHILDREN; i++) {
      String childId = parentId + "-" + i;
      assertThat(result(sundial.client().newUntypedWorkflowStub(childId), String.class))
          .isEqualTo("finished");
      List<HistoryEvent> h = sundial.history(childId, null);
      assertThat(eventsOfType(h, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)).isEmpty();
      assertThat(last(h).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    }
  }
}
