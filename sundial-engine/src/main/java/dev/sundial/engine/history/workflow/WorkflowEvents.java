package dev.sundial.engine.history.workflow;

import dev.sundial.engine.state.AutoResetPoints;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.EventTimes;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.visibility.SearchAttributeState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * How the run's own events (started, cancel requested, search attribute and memo changes, the
 * close) change its state, live and on rebuild.
 */
public final class WorkflowEvents {
  private WorkflowEvents() {}

  /** WorkflowExecutionStarted: the run's options, start and execution time, deadlines. */
  public static void applyStarted(MutableState s, HistoryEvent e) {
    var a = e.getWorkflowExecutionStartedEventAttributes();
    long time = EventTimes.millis(e);
    s.started = a;
    s.userMetadata = e.hasUserMetadata() ? e.getUserMetadata() : null;
    s.firstExecutionRunId =
        a.getFirstExecutionRunId().isEmpty() ? s.runId : a.getFirstExecutionRunId();
    s.startTime = time;
    s.executionTime = time + Durations.toMillis(a.getFirstWorkflowTaskBackoff());
    s.executionExpirationTime =
        a.hasWorkflowExecutionExpirationTime()
            ? EventTimes.millis(a.getWorkflowExecutionExpirationTime())
            : 0;
    long runTimeout = Durations.toMillis(a.getWorkflowRunTimeout());
    s.runExpirationTime = runTimeout > 0 ? s.executionTime + runTimeout : 0;
    s.reset.originalStartTime = time;
    AutoResetPoints.onStarted(s);
    s.dirty = true;
  }

  /** WorkflowExecutionCancelRequested: the workflow is asked to cancel (once). */
  public static void applyCancelRequested(MutableState s, HistoryEvent e) {
    s.cancelRequested = true;
    s.dirty = true;
  }

  /**
   * UpsertWorkflowSearchAttributes: the run's current search attributes, the payloads as the
   * workflow sent them (as Temporal keeps them; visibility types them by their registration).
   */
  public static void applySearchAttributesUpserted(MutableState s, HistoryEvent e) {
    SearchAttributeState.upsert(
        s, e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes());
  }

  /** WorkflowPropertiesModified: the run's current memo. */
  public static void applyPropertiesModified(MutableState s, HistoryEvent e) {
    SearchAttributeState.upsertMemo(s, e.getWorkflowPropertiesModifiedEventAttributes().getUpsertedMemo());
  }

  /** Whether one of the events closes the run (completed, failed, ..., continued as new). */
  public static boolean closes(List<HistoryEvent> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      switch (events.get(i).getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> {
          return true;
        }
        default -> { }
      }
    }
    return false;
  }

  /** A close event: the run's status, close time and close event, and the run continuing it. */
  public static void applyClosed(MutableState s, HistoryEvent e) {
    String newRunId = "";
    switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
        s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
        newRunId = e.getWorkflowExecutionCompletedEventAttributes().getNewExecutionRunId();
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
        s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED;
        newRunId = e.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId();
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> {
        s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
        newRunId = e.getWorkflowExecutionTimedOutEventAttributes().getNewExecutionRunId();
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> {
        s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW;
        newRunId = e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ->
          s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ->
          s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED;
      default -> throw new IllegalArgumentException("not a close event: " + e.getEventType());
    }
    s.closeTime = EventTimes.millis(e);
    s.completionEventId = e.getEventId();
    s.newRunId = newRunId;
    s.dirty = true;
  }
}
