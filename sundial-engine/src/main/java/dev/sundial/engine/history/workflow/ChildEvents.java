package dev.sundial.engine.history.workflow;

import dev.sundial.engine.state.ChildInfo;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.history.v1.HistoryEvent;

/** How child workflow events change the parent's state, live (after {@link Children}) and on rebuild. */
public final class ChildEvents {
  private ChildEvents() {}

  /** StartChildWorkflowExecutionInitiated: a pending child. */
  public static ChildInfo applyInitiated(MutableState s, HistoryEvent e) {
    ChildInfo c = new ChildInfo();
    c.initiatedEventId = e.getEventId();
    c.initiated = e.getStartChildWorkflowExecutionInitiatedEventAttributes();
    c.userMetadata = e.hasUserMetadata() ? e.getUserMetadata() : null;
    s.children.put(c.initiatedEventId, c);
    s.dirty = true;
    return c;
  }

  /**
   * ChildWorkflowExecutionStarted: the child's run. While the event is buffered its id is not
   * known yet (-1); flushing the buffer fills it in.
   */
  public static void applyStarted(MutableState s, HistoryEvent e) {
    var a = e.getChildWorkflowExecutionStartedEventAttributes();
    ChildInfo c = s.children.get(a.getInitiatedEventId());
    if (c == null) {
      return;
    }
    c.runId = a.getWorkflowExecution().getRunId();
    c.startedEventId = e.getEventId() != 0 ? e.getEventId() : -1;
    s.dirty = true;
  }

  /** StartChildWorkflowExecutionFailed or a child close event: the child is no longer pending. */
  public static void applyClosed(MutableState s, HistoryEvent e) {
    long initiated =
        switch (e.getEventType()) {
          case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED ->
              e.getStartChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED ->
              e.getChildWorkflowExecutionCompletedEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED ->
              e.getChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED ->
              e.getChildWorkflowExecutionCanceledEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT ->
              e.getChildWorkflowExecutionTimedOutEventAttributes().getInitiatedEventId();
          case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED ->
              e.getChildWorkflowExecutionTerminatedEventAttributes().getInitiatedEventId();
          default -> throw new IllegalArgumentException("not a child close: " + e.getEventType());
        };
    s.children.remove(initiated);
    s.dirty = true;
  }
}
