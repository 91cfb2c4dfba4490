package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
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
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Child workflows: results, failures, timeouts, cancellation, id conflicts, continue-as-new and
 * signals from the parent (parent close policies and external workflows have their own classes).
 */
class ChildWorkflowTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

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

  // ---------------------------------------------------------------- helpers

  private void startWorker() {
    sundial
        .worker()
        .registerWorkflowImplementationTypes(
            ChildImpl.class,
            ParentImpl.class);
    sundial.startWorkers();
  }

  static <T> T result(WorkflowStub stub, Class<T> type) {
    try {
      return stub.getResult(60, TimeUnit.SECONDS, type);
    } catch (TimeoutException e) {
      throw new AssertionError("no result within 60 s", e);
    }
  }

  static HistoryEvent single(List<HistoryEvent> history, EventType t) {
    List<HistoryEvent> events = eventsOfType(history, t);
    assertThat(events).as("%s events", t).hasSize(1);
    return events.get(0);
  }

  static HistoryEvent last(List<HistoryEvent> history) {
    return history.get(history.size() - 1);
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
    assertThat(sundial.status(childId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
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
    assertThat(sundial.status(childId))
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
    assertThat(sundial.status(takenId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
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
}
