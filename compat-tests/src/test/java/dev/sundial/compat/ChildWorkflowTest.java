package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancelExternalWorkflowException;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Child workflows (results, failures, timeouts, cancellation, parent close policies, id
 * conflicts) and signalling or cancelling external workflows.
 */
class ChildWorkflowTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final int CHILDREN = 50;

  /** Children that saw a cancellation request, by workflow id. */
  static final Set<String> SAW_CANCEL = ConcurrentHashMap.newKeySet();

  // ---------------------------------------------------------------- child workflows

  /**
   * The child: "echo:x" returns its parent and x; "fail" fails; "sleep" sleeps an hour; "wait"
   * waits for the finish signal. A cancellation is recorded and rethrown.
   */
  @WorkflowInterface
  public interface Child {
    @WorkflowMethod
    String run(String mode);

    @SignalMethod
    void finish();
  }

  public static class ChildImpl implements Child {
    private boolean finished;

    @Override
    public String run(String mode) {
      try {
        if (mode.startsWith("can:")) {
          int left = Integer.parseInt(mode.substring(4));
          if (left > 0) {
            Workflow.continueAsNew("can:" + (left - 1));
          }
          return "chain done";
        }
        if (mode.startsWith("echo:")) {
          return "child of "
              + Workflow.getInfo().getParentWorkflowId().orElse("nobody")
              + "/"
              + Workflow.getInfo().getParentRunId().orElse("-")
              + " got "
              + mode.substring(5);
        }
        switch (mode) {
          case "fail":
            throw ApplicationFailure.newNonRetryableFailure("child broke", "ChildError", 7);
          case "sleep":
            Workflow.sleep(Duration.ofHours(1));
            return "slept";
          case "wait":
            Workflow.await(() -> finished);
            return "finished";
          default:
            throw new IllegalArgumentException(mode);
        }
      } catch (CanceledFailure e) {
        SAW_CANCEL.add(Workflow.getInfo().getWorkflowId());
        throw e;
      }
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  /**
   * The parent: starts one child with the given id, mode and run timeout, and describes what
   * happened. With mode "cancel-scope" it starts a waiting child in a scope and cancels the scope
   * once the child runs.
   */
  @WorkflowInterface
  public interface Parent {
    @WorkflowMethod
    String run(String childId, String mode, int runTimeoutSeconds);
  }

  public static class ParentImpl implements Parent {
    @Override
    public String run(String childId, String mode, int runTimeoutSeconds) {
      ChildWorkflowOptions.Builder options = ChildWorkflowOptions.newBuilder().setWorkflowId(childId);
      if (runTimeoutSeconds > 0) {
        options.setWorkflowRunTimeout(Duration.ofSeconds(runTimeoutSeconds));
      }
      Child child = Workflow.newChildWorkflowStub(Child.class, options.build());
      try {
        if (mode.equals("cancel-scope")) {
          Promise<String>[] result = new Promise[1];
          CancellationScope scope =
              Workflow.newCancellationScope(() -> result[0] = Async.function(child::run, "wait"));
          scope.run();
          Workflow.getWorkflowExecution(child).get();
          scope.cancel();
          return "returned " + result[0].get();
        }
        if (mode.equals("signal-child")) {
          Promise<String> result = Async.function(child::run, "wait");
          Workflow.getWorkflowExecution(child).get();
          child.finish();
          return "returned " + result.get();
        }
        return "returned " + child.run(mode);
      } catch (ChildWorkflowFailure e) {
        StringBuilder s = new StringBuilder("ChildWorkflowFailure");
        Throwable cause = e.getCause();
        if (cause != null) {
          s.append(" caused by ").append(cause.getClass().getSimpleName());
          if (cause instanceof ApplicationFailure) {
            ApplicationFailure af = (ApplicationFailure) cause;
            s.append(" ")
                .append(af.getType())
                .append(" ")
                .append(af.getOriginalMessage())
                .append(" ")
                .append(af.getDetails().get(Integer.class));
          }
          if (cause instanceof TimeoutFailure) {
            s.append(" ").append(((TimeoutFailure) cause).getTimeoutType());
          }
        }
        return s.toString();
      }
    }
  }

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

  // ---------------------------------------------------------------- external workflows

  /** A target of external signals and cancellation: collects signals until finished. */
  @WorkflowInterface
  public interface Target {
    @WorkflowMethod
    String run();

    @SignalMethod
    void add(String value);

    @SignalMethod
    void finish();
  }

  public static class TargetImpl implements Target {
    private final List<String> received = new ArrayList<>();
    private boolean finished;

    @Override
    public String run() {
      try {
        Workflow.await(() -> finished);
        return String.join(",", received);
      } catch (CanceledFailure e) {
        SAW_CANCEL.add(Workflow.getInfo().getWorkflowId());
        throw e;
      }
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

  /** Signals ("signal") or cancels ("cancel") the workflow with the given id; reports the outcome. */
  @WorkflowInterface
  public interface Messenger {
    @WorkflowMethod
    String run(String targetId, String action);
  }

  public static class MessengerImpl implements Messenger {
    @Override
    public String run(String targetId, String action) {
      try {
        if (action.equals("signal")) {
          Target target = Workflow.newExternalWorkflowStub(Target.class, targetId);
          target.add("hello from " + Workflow.getInfo().getWorkflowId());
          target.finish();
          return "signaled";
        }
        Workflow.newUntypedExternalWorkflowStub(targetId).cancel();
        return "cancel requested";
      } catch (SignalExternalWorkflowException e) {
        return "SignalExternalWorkflowException";
      } catch (ApplicationFailure e) {
        // SDK 1.32 reports a failed external signal as an ApplicationFailure typed by the cause.
        return "ApplicationFailure " + e.getType();
      } catch (CancelExternalWorkflowException e) {
        return "CancelExternalWorkflowException";
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private void startWorker() {
    sundial
        .worker()
        .registerWorkflowImplementationTypes(
            ChildImpl.class,
            ParentImpl.class,
            HoldingParentImpl.class,
            ManyChildrenParentImpl.class,
            TargetImpl.class,
            MessengerImpl.class);
    sundial.startWorkers();
  }

  private static <T> T result(WorkflowStub stub, Class<T> type) {
    try {
      return stub.getResult(60, TimeUnit.SECONDS, type);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 60 s", e);
    }
  }

  private static HistoryEvent single(List<HistoryEvent> history, EventType t) {
    List<HistoryEvent> events = eventsOfType(history, t);
    assertThat(events).as("%s events", t).hasSize(1);
    return events.get(0);
  }

  private static HistoryEvent last(List<HistoryEvent> history) {
    return history.get(history.size() - 1);
  }

  private WorkflowExecutionStatus status(String id) {
    return sundial.describe(id, null).getWorkflowExecutionInfo().getStatus();
  }

  private String runParent(String parentId, String childId, String mode, int runTimeout) {
    Parent parent = sundial.newWorkflowStub(Parent.class, parentId);
    WorkflowClient.start(parent::run, childId, mode, runTimeout);
    return result(WorkflowStub.fromTyped(parent), String.class);
  }

  // ---------------------------------------------------------------- tests

  @Test
  void childReturnsAValueAndKnowsItsParent() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent");
    String childId = parentId + "-child";
    String result = runParent(parentId, childId, "echo:42", 0);

    String parentRun = sundial.describe(parentId, null).getWorkflowExecutionInfo().getExecution()
        .getRunId();
    assertThat(result).isEqualTo("returned child of " + parentId + "/" + parentRun + " got 42");

    List<HistoryEvent> parentHistory = sundial.history(parentId, parentRun);
    HistoryEvent initiated = single(parentHistory, EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
    HistoryEvent started = single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED);
    HistoryEvent completed = single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(initiated.getEventId()).isLessThan(started.getEventId());
    assertThat(started.getEventId()).isLessThan(completed.getEventId());
    var startedAttrs = started.getChildWorkflowExecutionStartedEventAttributes();
    assertThat(startedAttrs.getInitiatedEventId()).isEqualTo(initiated.getEventId());
    assertThat(startedAttrs.getWorkflowExecution().getWorkflowId()).isEqualTo(childId);
    String childRun = startedAttrs.getWorkflowExecution().getRunId();
    var completedAttrs = completed.getChildWorkflowExecutionCompletedEventAttributes();
    assertThat(completedAttrs.getInitiatedEventId()).isEqualTo(initiated.getEventId());
    assertThat(completedAttrs.getStartedEventId()).isEqualTo(started.getEventId());
    assertThat(completedAttrs.getWorkflowExecution().getRunId()).isEqualTo(childRun);

    // The child's own history and description point at the parent.
    List<HistoryEvent> childHistory = sundial.history(childId, childRun);
    var childStart =
        childHistory.get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(childHistory.get(0).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(childStart.getParentWorkflowExecution().getWorkflowId()).isEqualTo(parentId);
    assertThat(childStart.getParentWorkflowExecution().getRunId()).isEqualTo(parentRun);
    assertThat(childStart.getParentInitiatedEventId()).isEqualTo(initiated.getEventId());
    assertThat(childStart.getParentWorkflowNamespace()).isEqualTo(CompatServer.NAMESPACE);
    assertThat(last(childHistory).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    var childInfo = sundial.describe(childId, childRun).getWorkflowExecutionInfo();
    assertThat(childInfo.getParentExecution().getWorkflowId()).isEqualTo(parentId);
    assertThat(childInfo.getParentExecution().getRunId()).isEqualTo(parentRun);
    assertThat(childInfo.getRootExecution().getWorkflowId()).isEqualTo(parentId);
    assertThat(childInfo.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void childFailureReachesTheParentAsChildWorkflowFailureWithTheApplicationFailure() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent-fail");
    String childId = parentId + "-child";
    assertThat(runParent(parentId, childId, "fail", 0))
        .isEqualTo("ChildWorkflowFailure caused by ApplicationFailure ChildError child broke 7");

    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    var failed =
        single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED)
            .getChildWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getFailure().getApplicationFailureInfo().getType()).isEqualTo("ChildError");
    assertThat(failed.getWorkflowExecution().getWorkflowId()).isEqualTo(childId);
    assertThat(status(childId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    assertThat(last(parentHistory).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void childTimeoutReachesTheParentAsChildWorkflowFailureWithTimeoutFailure() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent-timeout");
    String childId = parentId + "-child";
    assertThat(runParent(parentId, childId, "sleep", 1))
        .isEqualTo("ChildWorkflowFailure caused by TimeoutFailure TIMEOUT_TYPE_START_TO_CLOSE");

    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT);
    assertThat(status(childId))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    assertThat(last(sundial.history(childId, null)).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
  }

  @Test
  void cancellingTheScopeCancelsTheChild() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent-cancel-scope");
    String childId = parentId + "-child";
    assertThat(runParent(parentId, childId, "cancel-scope", 0))
        .isEqualTo("ChildWorkflowFailure caused by CanceledFailure");
    assertThat(SAW_CANCEL).contains(childId);

    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    HistoryEvent requestInitiated =
        single(parentHistory, EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
    assertThat(
            requestInitiated
                .getRequestCancelExternalWorkflowExecutionInitiatedEventAttributes()
                .getChildWorkflowOnly())
        .isTrue();
    HistoryEvent requested =
        single(parentHistory, EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    HistoryEvent childCanceled = single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED);
    assertThat(requestInitiated.getEventId()).isLessThan(requested.getEventId());
    assertThat(requested.getEventId()).isLessThan(childCanceled.getEventId());

    List<HistoryEvent> childHistory = sundial.history(childId, null);
    single(childHistory, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(last(childHistory).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }

  @Test
  void childWithTheIdOfARunningWorkflowFailsToStart() {
    startWorker();
    String takenId = sundial.newWorkflowId("taken");
    Child other = sundial.newWorkflowStub(Child.class, takenId);
    String otherRun = WorkflowClient.start(other::run, "wait").getRunId();

    String parentId = sundial.newWorkflowId("parent-dup");
    assertThat(runParent(parentId, takenId, "echo:x", 0))
        .isEqualTo("ChildWorkflowFailure caused by WorkflowExecutionAlreadyStarted");

    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    var failed =
        single(parentHistory, EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED)
            .getStartChildWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getCause())
        .isEqualTo(
            StartChildWorkflowExecutionFailedCause
                .START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
    assertThat(failed.getWorkflowId()).isEqualTo(takenId);
    assertThat(eventsOfType(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)).isEmpty();
    // The running workflow is untouched.
    assertThat(sundial.describe(takenId, null).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(otherRun);
    assertThat(status(takenId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(sundial.history(takenId, otherRun).get(0).getWorkflowExecutionStartedEventAttributes()
            .hasParentWorkflowExecution())
        .isFalse();
    WorkflowStub.fromTyped(other).signal("finish");
    assertThat(result(WorkflowStub.fromTyped(other), String.class)).isEqualTo("finished");
  }

  @Test
  void childThatContinuesAsNewReportsTheResultOfItsLastRun() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent-child-can");
    String childId = parentId + "-child";
    assertThat(runParent(parentId, childId, "can:3", 0)).isEqualTo("returned chain done");

    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    var started =
        single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
            .getChildWorkflowExecutionStartedEventAttributes();
    var completed =
        single(parentHistory, EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED)
            .getChildWorkflowExecutionCompletedEventAttributes();
    var lastRun = sundial.describe(childId, null).getWorkflowExecutionInfo();
    assertThat(lastRun.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(lastRun.getFirstRunId()).isEqualTo(started.getWorkflowExecution().getRunId());
    assertThat(lastRun.getExecution().getRunId())
        .isNotEqualTo(started.getWorkflowExecution().getRunId());
    // The completion comes from the last run of the child's chain.
    assertThat(completed.getWorkflowExecution().getRunId())
        .isEqualTo(lastRun.getExecution().getRunId());
    // Every run of the chain knows the parent.
    var lastStart =
        sundial
            .history(childId, lastRun.getExecution().getRunId())
            .get(0)
            .getWorkflowExecutionStartedEventAttributes();
    assertThat(lastStart.getParentWorkflowExecution().getWorkflowId()).isEqualTo(parentId);
  }

  @Test
  void parentSignalsItsChild() {
    startWorker();
    String parentId = sundial.newWorkflowId("parent-signal-child");
    String childId = parentId + "-child";
    assertThat(runParent(parentId, childId, "signal-child", 0)).isEqualTo("returned finished");
    List<HistoryEvent> parentHistory = sundial.history(parentId, null);
    var initiated =
        single(parentHistory, EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
            .getSignalExternalWorkflowExecutionInitiatedEventAttributes();
    // (The Java SDK does not set child_workflow_only on signals, only on cancellations.)
    assertThat(initiated.getSignalName()).isEqualTo("finish");
    assertThat(initiated.getWorkflowExecution().getWorkflowId()).isEqualTo(childId);
    single(parentHistory, EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED);
    List<HistoryEvent> childHistory = sundial.history(childId, null);
    var signaled =
        single(childHistory, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .getWorkflowExecutionSignaledEventAttributes();
    assertThat(signaled.getExternalWorkflowExecution().getWorkflowId()).isEqualTo(parentId);
  }

  // ---------------------------------------------------------------- parent close policies

  private void assertPoliciesApplied(String prefix) {
    CompatServer.await(
        Duration.ofSeconds(30),
        prefix + "-terminate to be terminated",
        () ->
            status(prefix + "-terminate")
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    CompatServer.await(
        Duration.ofSeconds(30),
        prefix + "-cancel to be cancelled",
        () ->
            status(prefix + "-cancel") == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(SAW_CANCEL).contains(prefix + "-cancel");
    assertThat(status(prefix + "-abandon"))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    sundial.client().newUntypedWorkflowStub(prefix + "-abandon").signal("finish");
    assertThat(result(sundial.client().newUntypedWorkflowStub(prefix + "-abandon"), String.class))
        .isEqualTo("finished");
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
          () -> status(childId) == expected);
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
      assertThat(status(childId))
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

  // ---------------------------------------------------------------- external signal and cancel

  @Test
  void signalExternalWorkflow() {
    startWorker();
    String targetId = sundial.newWorkflowId("target");
    Target target = sundial.newWorkflowStub(Target.class, targetId);
    String targetRun = WorkflowClient.start(target::run).getRunId();

    String messengerId = sundial.newWorkflowId("messenger");
    Messenger messenger = sundial.newWorkflowStub(Messenger.class, messengerId);
    WorkflowClient.start(messenger::run, targetId, "signal");
    assertThat(result(WorkflowStub.fromTyped(messenger), String.class)).isEqualTo("signaled");
    assertThat(result(WorkflowStub.fromTyped(target), String.class))
        .isEqualTo("hello from " + messengerId);

    List<HistoryEvent> messengerHistory = sundial.history(messengerId, null);
    assertThat(eventsOfType(messengerHistory, EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED))
        .hasSize(2);
    List<HistoryEvent> signaled =
        eventsOfType(messengerHistory, EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(signaled).hasSize(2);
    assertThat(signaled.get(0).getExternalWorkflowExecutionSignaledEventAttributes()
            .getWorkflowExecution().getWorkflowId())
        .isEqualTo(targetId);
    List<HistoryEvent> targetHistory = sundial.history(targetId, targetRun);
    List<HistoryEvent> received = eventsOfType(targetHistory, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    assertThat(received).hasSize(2);
    var signalAttrs = received.get(0).getWorkflowExecutionSignaledEventAttributes();
    assertThat(signalAttrs.getSignalName()).isEqualTo("add");
    assertThat(signalAttrs.getExternalWorkflowExecution().getWorkflowId()).isEqualTo(messengerId);
  }

  @Test
  void signalExternalWorkflowThatDoesNotExistOrHasClosedFails() {
    startWorker();
    // One that never existed.
    String missingId = sundial.newWorkflowId("missing-target");
    String m1 = sundial.newWorkflowId("messenger-missing");
    Messenger messenger = sundial.newWorkflowStub(Messenger.class, m1);
    WorkflowClient.start(messenger::run, missingId, "signal");
    assertThat(result(WorkflowStub.fromTyped(messenger), String.class))
        .isEqualTo(
            "ApplicationFailure"
                + " SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND");
    var failed =
        single(sundial.history(m1, null), EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .getSignalExternalWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getCause())
        .isEqualTo(
            SignalExternalWorkflowExecutionFailedCause
                .SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
    assertThat(failed.getWorkflowExecution().getWorkflowId()).isEqualTo(missingId);
    StatusRuntimeException e = CompatServer.expectStatus(() -> sundial.describe(missingId, null));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    // One that has completed.
    String closedId = sundial.newWorkflowId("closed-target");
    Target closed = sundial.newWorkflowStub(Target.class, closedId);
    WorkflowClient.start(closed::run);
    WorkflowStub.fromTyped(closed).signal("finish");
    assertThat(result(WorkflowStub.fromTyped(closed), String.class)).isEmpty();
    String m2 = sundial.newWorkflowId("messenger-closed");
    Messenger messenger2 = sundial.newWorkflowStub(Messenger.class, m2);
    WorkflowClient.start(messenger2::run, closedId, "signal");
    assertThat(result(WorkflowStub.fromTyped(messenger2), String.class))
        .isEqualTo(
            "ApplicationFailure"
                + " SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND");
    single(sundial.history(m2, null), EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED);
  }

  @Test
  void cancelExternalWorkflow() {
    startWorker();
    String targetId = sundial.newWorkflowId("cancel-target");
    Target target = sundial.newWorkflowStub(Target.class, targetId);
    String targetRun = WorkflowClient.start(target::run).getRunId();

    String messengerId = sundial.newWorkflowId("canceller");
    Messenger messenger = sundial.newWorkflowStub(Messenger.class, messengerId);
    WorkflowClient.start(messenger::run, targetId, "cancel");
    assertThat(result(WorkflowStub.fromTyped(messenger), String.class))
        .isEqualTo("cancel requested");

    List<HistoryEvent> messengerHistory = sundial.history(messengerId, null);
    HistoryEvent initiated =
        single(messengerHistory, EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED);
    assertThat(
            initiated
                .getRequestCancelExternalWorkflowExecutionInitiatedEventAttributes()
                .getChildWorkflowOnly())
        .isFalse();
    HistoryEvent requested =
        single(messengerHistory, EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
    assertThat(
            requested
                .getExternalWorkflowExecutionCancelRequestedEventAttributes()
                .getInitiatedEventId())
        .isEqualTo(initiated.getEventId());

    CompatServer.await(
        Duration.ofSeconds(30),
        "the target to end cancelled",
        () -> status(targetId) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertThat(SAW_CANCEL).contains(targetId);
    List<HistoryEvent> targetHistory = sundial.history(targetId, targetRun);
    var cancelRequested =
        single(targetHistory, EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
            .getWorkflowExecutionCancelRequestedEventAttributes();
    assertThat(cancelRequested.getExternalWorkflowExecution().getWorkflowId())
        .isEqualTo(messengerId);
    assertThat(cancelRequested.getExternalInitiatedEventId()).isEqualTo(initiated.getEventId());
    single(targetHistory, EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
  }

  @Test
  void cancelExternalWorkflowThatDoesNotExistFails() {
    startWorker();
    String missingId = sundial.newWorkflowId("missing-cancel-target");
    String messengerId = sundial.newWorkflowId("canceller-missing");
    Messenger messenger = sundial.newWorkflowStub(Messenger.class, messengerId);
    WorkflowClient.start(messenger::run, missingId, "cancel");
    assertThat(result(WorkflowStub.fromTyped(messenger), String.class))
        .isEqualTo("CancelExternalWorkflowException");
    var failed =
        single(
                sundial.history(messengerId, null),
                EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .getRequestCancelExternalWorkflowExecutionFailedEventAttributes();
    assertThat(failed.getCause())
        .isEqualTo(
            CancelExternalWorkflowExecutionFailedCause
                .CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
    assertThat(failed.getWorkflowExecution().getWorkflowId()).isEqualTo(missingId);
  }
}
