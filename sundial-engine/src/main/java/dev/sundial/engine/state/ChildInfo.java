package dev.sundial.engine.state;

import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;

/** A child workflow the run initiated and whose close it has not seen yet. */
public final class ChildInfo {
  public long initiatedEventId;
  public StartChildWorkflowExecutionInitiatedEventAttributes initiated;
  /** 0 until ChildWorkflowExecutionStarted is recorded. */
  public long startedEventId;
  public String runId = "";
}
