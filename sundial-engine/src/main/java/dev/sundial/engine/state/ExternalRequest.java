package dev.sundial.engine.state;

import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;

/**
 * A signal or cancel request the run sent to another workflow, pending until the target has been
 * reached (or found missing). Exactly one of the two initiated-event attributes is set.
 */
public final class ExternalRequest {
  public long initiatedEventId;
  public SignalExternalWorkflowExecutionInitiatedEventAttributes signal;
  public RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel;
}
