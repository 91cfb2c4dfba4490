package dev.sundial.engine.history.timer;

import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.EventTimes;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.TimerInfo;
import io.temporal.api.history.v1.HistoryEvent;

/** How timer events change a run's state, live (after {@link UserTimers}) and on rebuild. */
public final class TimerEvents {
  private TimerEvents() {}

  /** TimerStarted: a pending timer due start-to-fire after the event. */
  public static TimerInfo applyStarted(MutableState s, HistoryEvent e) {
    var attrs = e.getTimerStartedEventAttributes();
    TimerInfo t = new TimerInfo();
    t.timerId = attrs.getTimerId();
    t.startedEventId = e.getEventId();
    t.fireTime = EventTimes.millis(e) + Durations.toMillis(attrs.getStartToFireTimeout());
    s.timers.put(t.timerId, t);
    s.dirty = true;
    return t;
  }

  /** TimerFired or TimerCanceled: the timer is no longer pending. */
  public static void applyClosed(MutableState s, HistoryEvent e) {
    String timerId =
        switch (e.getEventType()) {
          case EVENT_TYPE_TIMER_FIRED -> e.getTimerFiredEventAttributes().getTimerId();
          case EVENT_TYPE_TIMER_CANCELED -> e.getTimerCanceledEventAttributes().getTimerId();
          default -> throw new IllegalArgumentException("not a timer close: " + e.getEventType());
        };
    s.timers.remove(timerId);
    s.dirty = true;
  }
}
