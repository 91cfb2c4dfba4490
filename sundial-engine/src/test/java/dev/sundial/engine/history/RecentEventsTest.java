package dev.sundial.engine.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEventsTest {
  private static List<HistoryEvent> events(long from, long to) {
    List<HistoryEvent> l = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      l.add(HistoryEvent.newBuilder().setEventId(i).build());
    }
    return l;
  }

  private static List<Long> ids(List<HistoryEvent> l) {
    return l == null ? null : l.stream().map(HistoryEvent::getEventId).toList();
  }

  @Test
  void servesOnlyRangesItHoldsWithoutGaps() {
    RecentEvents r = new RecentEvents();
    r.committed("ns", "run", events(1, 3));
    r.committed("ns", "run", events(4, 6));
    assertThat(ids(r.range("ns", "run", 3, 6))).containsExactly(3L, 4L, 5L, 6L);
    assertThat(r.range("ns", "run", 5, 7)).isNull(); // 7 not committed yet
    assertThat(r.range("ns", "other", 1, 1)).isNull();
    // A gap (events committed while not watched here) starts the tail over.
    r.committed("ns", "run", events(9, 10));
    assertThat(r.range("ns", "run", 6, 9)).isNull();
    assertThat(ids(r.range("ns", "run", 9, 10))).containsExactly(9L, 10L);
  }

  @Test
  void keepsABoundedTailPerRunAndForgets() {
    RecentEvents r = new RecentEvents();
    r.committed("ns", "run", events(1, RecentEvents.MAX_EVENTS_PER_RUN + 10));
    assertThat(r.range("ns", "run", 1, 5)).isNull();
    long last = RecentEvents.MAX_EVENTS_PER_RUN + 10;
    assertThat(ids(r.range("ns", "run", last - 1, last))).containsExactly(last - 1, last);
    r.forget("ns", "run");
    assertThat(r.range("ns", "run", last, last)).isNull();
  }

  @Test
  void dropsTheLeastRecentlyUsedRuns() {
    RecentEvents r = new RecentEvents();
    for (int i = 0; i <= RecentEvents.MAX_RUNS; i++) {
      r.committed("ns", "run-" + i, events(1, 1));
    }
    assertThat(r.range("ns", "run-0", 1, 1)).isNull();
    assertThat(r.range("ns", "run-" + RecentEvents.MAX_RUNS, 1, 1)).isNotNull();
  }

  @Test
  void holdsAtMostItsByteBoundDroppingTheLeastRecentlyUsedRuns() {
    RecentEvents r = new RecentEvents(5_000_000);
    for (int i = 0; i < 4; i++) {
      // A start event with a 2 MB input, as a run started with a large payload commits.
      HistoryEvent big = HistoryEvent.newBuilder().setEventId(1)
          .setWorkflowExecutionStartedEventAttributes(
              WorkflowExecutionStartedEventAttributes.newBuilder()
                  .setInput(Payloads.newBuilder().addPayloads(
                      Payload.newBuilder()
                          .setData(ByteString.copyFrom(new byte[2_000_000])))))
          .build();
      r.committed("ns", "big-" + i, List.of(big));
    }
    assertThat(r.bytes()).isLessThanOrEqualTo(5_000_000).isGreaterThan(3_000_000);
    assertThat(r.range("ns", "big-0", 1, 1)).isNull();
    assertThat(r.range("ns", "big-3", 1, 1)).isNotNull();
    r.forget("ns", "big-3");
    assertThat(r.bytes()).isLessThan(2_100_000);
  }
}
