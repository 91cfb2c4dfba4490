package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.StandaloneActivityKey;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionCancelRequestedEventAttributes;

/** RequestCancelWorkflowExecution: the workflow is told, and decides how to cancel. */
public final class CancelRequests {
  private CancelRequests() {}

  /**
   * Records the request (once; repeats are accepted and change nothing).
   *
   * @param external the requesting workflow and its initiated event, or null
   */
  public static void request(
      ShardTxn txn, MutableState s, String requestId, String identity, String cause,
      WorkflowExecution external, long externalInitiatedEventId) {
    if (!s.isRunning() || s.cancelRequested) {
      // A closed workflow or a repeated request: accepted, nothing changes (as Temporal does).
      return;
    }
    WorkflowExecutionCancelRequestedEventAttributes.Builder a =
        WorkflowExecutionCancelRequestedEventAttributes.newBuilder()
            .setCause(cause == null ? "" : cause)
            .setIdentity(identity == null ? "" : identity);
    if (external != null) {
      a.setExternalWorkflowExecution(external).setExternalInitiatedEventId(externalInitiatedEventId);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
                .setWorkflowExecutionCancelRequestedEventAttributes(a),
            txn.now(),
            true);
    WorkflowEvents.applyCancelRequested(s, e);
    // Not in history: dedups a retried request.
    s.cancelRequestId = requestId == null ? "" : requestId;
    if (StandaloneActivityKey.is(s)) {
      StandaloneActivities.cancelRequested(txn, s);
    } else {
      WorkflowTasks.scheduleIfNone(txn, s);
    }
  }
}
