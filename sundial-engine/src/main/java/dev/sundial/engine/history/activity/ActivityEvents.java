package dev.sundial.engine.history.activity;

import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.EventTimes;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.history.v1.HistoryEvent;

/**
 * How activity events change a run's state. The same functions serve the live path (right after
 * {@link Activities} appends an event) and rebuilding a run from its history.
 */
public final class ActivityEvents {
  private ActivityEvents() {}

  /** ActivityTaskScheduled: a pending activity at attempt 1. */
  public static ActivityInfo applyScheduled(MutableState s, HistoryEvent e) {
    long time = EventTimes.millis(e);
    ActivityInfo a = new ActivityInfo();
    a.scheduledEventId = e.getEventId();
    a.scheduled = e.getActivityTaskScheduledEventAttributes();
    a.firstScheduledTime = time;
    a.attemptScheduledTime = time;
    long s2c = Durations.toMillis(a.scheduled.getScheduleToCloseTimeout());
    a.expirationTime = s2c > 0 ? time + s2c : 0;
    s.activities.put(a.scheduledEventId, a);
    s.dirty = true;
    return a;
  }

  /**
   * ActivityTaskStarted, written when the activity closes: the attempt that ran and the failure of
   * the one before it.
   */
  public static void applyStarted(MutableState s, HistoryEvent e) {
    var attrs = e.getActivityTaskStartedEventAttributes();
    ActivityInfo a = s.activities.get(attrs.getScheduledEventId());
    if (a == null) {
      return;
    }
    a.startedTime = EventTimes.millis(e);
    a.startedIdentity = attrs.getIdentity();
    a.startedRequestId = attrs.getRequestId();
    a.attempt = Math.max(1, attrs.getAttempt());
    a.lastFailure = attrs.hasLastFailure() ? attrs.getLastFailure() : null;
    s.dirty = true;
  }

  /** ActivityTaskCancelRequested: the workflow asked to cancel the activity. */
  public static void applyCancelRequested(MutableState s, HistoryEvent e) {
    ActivityInfo a =
        s.activities.get(e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId());
    if (a == null) {
      return;
    }
    a.cancelRequested = true;
    a.cancelRequestedEventId = e.getEventId();
    s.dirty = true;
  }

  /** ActivityTaskCompleted, Failed, TimedOut or Canceled: the activity is no longer pending. */
  public static void applyClosed(MutableState s, HistoryEvent e) {
    long scheduledEventId =
        switch (e.getEventType()) {
          case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
              e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
          case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
              e.getActivityTaskFailedEventAttributes().getScheduledEventId();
          case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
              e.getActivityTaskTimedOutEventAttributes().getScheduledEventId();
          case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
              e.getActivityTaskCanceledEventAttributes().getScheduledEventId();
          default -> throw new IllegalArgumentException("not an activity close: " + e.getEventType());
        };
    s.activities.remove(scheduledEventId);
    s.dirty = true;
  }
}
