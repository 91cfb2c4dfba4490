package dev.sundial.engine.state;

import com.google.protobuf.Timestamp;
import io.temporal.api.history.v1.HistoryEvent;

/** Event times as the epoch millis the state keeps. */
public final class EventTimes {
  private EventTimes() {}

  public static long millis(HistoryEvent e) {
    return millis(e.getEventTime());
  }

  public static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}
