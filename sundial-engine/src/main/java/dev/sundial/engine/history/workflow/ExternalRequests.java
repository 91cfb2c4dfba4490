package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import io.temporal.api.command.v1.RequestCancelExternalWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.SignalExternalWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CancelExternalWorkflowExecutionFailedCause;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.SignalExternalWorkflowExecutionFailedCause;
import io.temporal.api.history.v1.ExternalWorkflowExecutionCancelRequestedEventAttributes;
import io.temporal.api.history.v1.ExternalWorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;

/** Signals and cancel requests a workflow sends to other workflows. */
public final class ExternalRequests {
  private ExternalRequests() {}

  public static void signal(
      ShardTxn txn, MutableState s, SignalExternalWorkflowExecutionCommandAttributes c,
      String namespaceName, String namespaceId, long completedId) {
    SignalExternalWorkflowExecutionInitiatedEventAttributes.Builder a =
        SignalExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setWorkflowTaskCompletedEventId(completedId)
            .setNamespace(namespaceName)
            .setNamespaceId(namespaceId)
            .setWorkflowExecution(c.getExecution())
            .setSignalName(c.getSignalName())
            .setControl(c.getControl())
            .setChildWorkflowOnly(c.getChildWorkflowOnly());
    if (c.hasInput()) a.setInput(c.getInput());
    if (c.hasHeader()) a.setHeader(c.getHeader());
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
                .setSignalExternalWorkflowExecutionInitiatedEventAttributes(a),
            txn.now(),
            false);
    ExternalRequest r = ExternalRequestEvents.applyInitiated(s, e);
    Transfers.add(txn, s, TimerKind.SIGNAL_EXTERNAL, r.initiatedEventId);
  }

  public static void cancel(
      ShardTxn txn, MutableState s, RequestCancelExternalWorkflowExecutionCommandAttributes c,
      String namespaceName, String namespaceId, long completedId) {
    RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.Builder a =
        RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setWorkflowTaskCompletedEventId(completedId)
            .setNamespace(namespaceName)
            .setNamespaceId(namespaceId)
            .setWorkflowExecution(
                WorkflowExecution.newBuilder()
                    .setWorkflowId(c.getWorkflowId())
                    .setRunId(c.getRunId()))
            .setControl(c.getControl())
            .setChildWorkflowOnly(c.getChildWorkflowOnly())
            .setReason(c.getReason());
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(
                    EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED)
                .setRequestCancelExternalWorkflowExecutionInitiatedEventAttributes(a),
            txn.now(),
            false);
    ExternalRequest r = ExternalRequestEvents.applyInitiated(s, e);
    Transfers.add(txn, s, TimerKind.CANCEL_EXTERNAL, r.initiatedEventId);
  }

  /** The target was reached (delivered=true) or does not exist. */
  public static void resolved(ShardTxn txn, MutableState s, ExternalRequest r, boolean delivered) {
    if (!s.isRunning()) {
      return;
    }
    HistoryEvent.Builder e = HistoryEvent.newBuilder();
    if (r.signal != null) {
      var i = r.signal;
      if (delivered) {
        e.setEventType(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED)
            .setExternalWorkflowExecutionSignaledEventAttributes(
                ExternalWorkflowExecutionSignaledEventAttributes.newBuilder()
                    .setInitiatedEventId(r.initiatedEventId)
                    .setNamespace(i.getNamespace())
                    .setNamespaceId(i.getNamespaceId())
                    .setWorkflowExecution(i.getWorkflowExecution())
                    .setControl(i.getControl()));
      } else {
        e.setEventType(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .setSignalExternalWorkflowExecutionFailedEventAttributes(
                SignalExternalWorkflowExecutionFailedEventAttributes.newBuilder()
                    .setCause(
                        SignalExternalWorkflowExecutionFailedCause
                            .SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND)
                    .setWorkflowTaskCompletedEventId(i.getWorkflowTaskCompletedEventId())
                    .setNamespace(i.getNamespace())
                    .setNamespaceId(i.getNamespaceId())
                    .setWorkflowExecution(i.getWorkflowExecution())
                    .setInitiatedEventId(r.initiatedEventId)
                    .setControl(i.getControl()));
      }
    } else {
      var i = r.cancel;
      if (delivered) {
        e.setEventType(EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
            .setExternalWorkflowExecutionCancelRequestedEventAttributes(
                ExternalWorkflowExecutionCancelRequestedEventAttributes.newBuilder()
                    .setInitiatedEventId(r.initiatedEventId)
                    .setNamespace(i.getNamespace())
                    .setNamespaceId(i.getNamespaceId())
                    .setWorkflowExecution(i.getWorkflowExecution()));
      } else {
        e.setEventType(EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED)
            .setRequestCancelExternalWorkflowExecutionFailedEventAttributes(
                RequestCancelExternalWorkflowExecutionFailedEventAttributes.newBuilder()
                    .setCause(
                        CancelExternalWorkflowExecutionFailedCause
                            .CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND)
                    .setWorkflowTaskCompletedEventId(i.getWorkflowTaskCompletedEventId())
                    .setNamespace(i.getNamespace())
                    .setNamespaceId(i.getNamespaceId())
                    .setWorkflowExecution(i.getWorkflowExecution())
                    .setInitiatedEventId(r.initiatedEventId)
                    .setControl(i.getControl()));
      }
    }
    ExternalRequestEvents.applyResolved(s, s.append(e, txn.now(), true));
    WorkflowTasks.scheduleIfNone(txn, s);
  }
}
