package dev.sundial.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/** Assertions over history event sequences. */
public final class Events {
  private Events() {}

  public static List<EventType> types(List<HistoryEvent> events) {
    return events.stream().map(HistoryEvent::getEventType).toList();
  }

  /** The history is exactly these types, in order, with ids 1..n. */
  public static void assertHistory(List<HistoryEvent> events, EventType... expected) {
    assertThat(types(events)).as("event types").containsExactly(expected);
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getEventId()).as("id of event #%d", i).isEqualTo(i + 1);
      assertThat(events.get(i).hasEventTime()).as("event time of event #%d", i).isTrue();
    }
  }

  /** The event with this id (1-based). */
  public static HistoryEvent event(List<HistoryEvent> events, long id) {
    HistoryEvent e = events.get((int) id - 1);
    assertThat(e.getEventId()).isEqualTo(id);
    return e;
  }
}
