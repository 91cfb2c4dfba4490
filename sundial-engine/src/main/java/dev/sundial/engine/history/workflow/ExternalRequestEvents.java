package dev.sundial.engine.history.workflow;

import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.history.v1.HistoryEvent;

/**
 * How the events of signals and cancel requests sent to other workflows change the sender's
 * state, live (after {@link ExternalRequests}) and on rebuild.
 */
public final class ExternalRequestEvents {
  private ExternalRequestEvents() {}

  /** SignalExternal... or RequestCancelExternal...Initiated: a pending request. */
  public static ExternalRequest applyInitiated(MutableState s, HistoryEvent e) {
    ExternalRequest r = new ExternalRequest();
    r.initiatedEventId = e.getEventId();
    switch (e.getEventType()) {
      case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED ->
          r.signal = e.getSignalExternalWorkflowExecutionInitiatedEventAttributes();
      case EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED ->
          r.cancel = e.getRequestCancelExternalWorkflowExecutionInitiatedEventAttributes();
      default -> throw new IllegalArgumentException("not an external request: " + e.getEventType());
    }
    s.externalRequests.put(r.initiatedEventId, r);
    s.dirty = true;
    return r;
  }

  /** The target was reached or found missing: the request is no longer pending. */
  public static void applyResolved(MutableState s, HistoryEvent e) {
    long initiated =
        switch (e.getEventType()) {
          case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED ->
              e.getExternalWorkflowExecutionSignaledEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED ->
              e.getSignalExternalWorkflowExecutionFailedEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED ->
              e.getExternalWorkflowExecutionCancelRequestedEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED ->
              e.getRequestCancelExternalWorkflowExecutionFailedEventAttributes().getInitiatedEventId();
          default -> throw new IllegalArgumentException("not an external resolution: " + e.getEventType());
        };
    s.externalRequests.remove(initiated);
    s.dirty = true;
  }
}
