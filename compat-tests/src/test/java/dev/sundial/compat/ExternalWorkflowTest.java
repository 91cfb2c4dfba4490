package dev.sundial.compat;

import static dev.sundial.compat.ChildWorkflowTest.result;
import static dev.sundial.compat.ChildWorkflowTest.single;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancelExternalWorkflowException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signalling and cancelling other workflows from a workflow (SignalExternalWorkflowExecution,
 * RequestCancelExternalWorkflowExecution), including targets that do not exist or have closed.
 */
class ExternalWorkflowTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Children that saw a cancellation request, by workflow id. */
  static final Set<String> SAW_CANCEL = ConcurrentHashMap.newKeySet();

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

  // ---------------------------------------------------------------- external signal and cancel

  private void startWorker() {
    sundial.worker().registerWorkflowImplementationTypes(TargetImpl.class, MessengerImpl.class);
    sundial.startWorkers();
  }

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
        () -> sundial.status(targetId) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
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
