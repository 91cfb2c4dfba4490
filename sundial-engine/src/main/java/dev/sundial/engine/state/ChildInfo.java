package dev.sundial.engine.state;

import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.sdk.v1.UserMetadata;

/** A child workflow the run initiated and whose close it has not seen yet. */
public final class ChildInfo {
  public long initiatedEventId;
  public StartChildWorkflowExecutionInitiatedEventAttributes initiated;
  /** 0 until ChildWorkflowExecutionStarted is recorded. */
  public long startedEventId;
  public String runId = "";
  /** The initiated event's user metadata, which the child's started event carries; or null. */
  public UserMetadata userMetadata;
}
