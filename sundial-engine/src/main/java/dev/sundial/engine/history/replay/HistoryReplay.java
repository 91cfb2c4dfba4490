package dev.sundial.engine.history.replay;

import dev.sundial.engine.history.activity.ActivityEvents;
import dev.sundial.engine.history.timer.TimerEvents;
import dev.sundial.engine.history.update.UpdateEvents;
import dev.sundial.engine.history.workflow.ChildEvents;
import dev.sundial.engine.history.workflow.ExternalRequestEvents;
import dev.sundial.engine.history.workflow.WorkflowEvents;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskEvents;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * Rebuilds a run's state from its history with the apply functions the live path calls after it
 * appends each event (ActivityEvents, TimerEvents, ...), so the two cannot drift. What history does
 * not hold starts afresh: attempt-level facts (heartbeats, retries of a pending activity, a
 * transient workflow task), outbox rows and timers, and the request ids kept for deduplication.
 * No outbox task is created here: the caller decides which timers and dispatches the run needs.
 */
public final class HistoryReplay {
  private HistoryReplay() {}

  /** A run state for {@code runId} holding exactly {@code events} (which start with event 1). */
  public static MutableState rebuild(
      String namespaceId, String workflowId, String runId, List<HistoryEvent> events) {
    if (events.isEmpty()
        || events.get(0).getEventId() != 1
        || !events.get(0).hasWorkflowExecutionStartedEventAttributes()) {
      throw new IllegalArgumentException("history must start with WorkflowExecutionStarted");
    }
    MutableState s = new MutableState();
    s.namespaceId = namespaceId;
    s.workflowId = workflowId;
    s.runId = runId;
    long expected = 1;
    for (HistoryEvent e : events) {
      if (e.getEventId() != expected) {
        throw new IllegalArgumentException(
            "history is not contiguous: event " + e.getEventId() + " where " + expected
                + " was expected");
      }
      apply(s, e);
      s.historySizeBytes += e.getSerializedSize();
      s.nextEventId = ++expected;
    }
    return s;
  }

  /** Applies one event (from history, or buffered behind a started workflow task) to the state. */
  public static void apply(MutableState s, HistoryEvent e) {
    switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> WorkflowEvents.applyStarted(s, e);
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED -> WorkflowEvents.applyCancelRequested(s, e);
      case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ->
          WorkflowEvents.applySearchAttributesUpserted(s, e);
      case EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED -> WorkflowEvents.applyPropertiesModified(s, e);
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
          EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
          EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
          EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> WorkflowEvents.applyClosed(s, e);

      case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> WorkflowTaskEvents.applyScheduled(s, e);
      case EVENT_TYPE_WORKFLOW_TASK_STARTED -> WorkflowTaskEvents.applyStarted(s, e);
      case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> WorkflowTaskEvents.applyCompleted(s, e);
      case EVENT_TYPE_WORKFLOW_TASK_FAILED, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT ->
          WorkflowTaskEvents.applyFailed(s, e);

      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> ActivityEvents.applyScheduled(s, e);
      case EVENT_TYPE_ACTIVITY_TASK_STARTED -> ActivityEvents.applyStarted(s, e);
      case EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED -> ActivityEvents.applyCancelRequested(s, e);
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
          EVENT_TYPE_ACTIVITY_TASK_FAILED,
          EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
          EVENT_TYPE_ACTIVITY_TASK_CANCELED -> ActivityEvents.applyClosed(s, e);

      case EVENT_TYPE_TIMER_STARTED -> TimerEvents.applyStarted(s, e);
      case EVENT_TYPE_TIMER_FIRED, EVENT_TYPE_TIMER_CANCELED -> TimerEvents.applyClosed(s, e);

      case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> ChildEvents.applyInitiated(s, e);
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED -> ChildEvents.applyStarted(s, e);
      case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
          EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED,
          EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT,
          EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED -> ChildEvents.applyClosed(s, e);

      case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
          EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED ->
          ExternalRequestEvents.applyInitiated(s, e);
      case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED,
          EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED,
          EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED ->
          ExternalRequestEvents.applyResolved(s, e);

      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> UpdateEvents.applyAccepted(s, e);
      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED -> UpdateEvents.applyCompleted(s, e);

      default -> {
        // Signals, markers, admitted updates and the like leave no state behind.
      }
    }
  }
}
