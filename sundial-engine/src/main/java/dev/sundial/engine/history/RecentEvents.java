package dev.sundial.engine.history;

import io.temporal.api.history.v1.HistoryEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The last events committed for recently active runs. A sticky worker's next workflow task needs
 * only the events since its previous task, which were committed moments ago: they are served from
 * here instead of being read back from the store. Holds, per run, a contiguous tail of at most
 * {@value #MAX_EVENTS_PER_RUN} events, for at most {@value #MAX_RUNS} runs and {@link #MAX_BYTES}
 * bytes of events (a sixteenth of the heap: runs with large payloads must not fill it), least
 * recently used dropped; anything else is read from the store as before.
 */
public final class RecentEvents {
  static final int MAX_RUNS = 2048;
  static final int MAX_EVENTS_PER_RUN = 64;
  static final long MAX_BYTES = Runtime.getRuntime().maxMemory() / 16;

  /** Events firstEventId, firstEventId + 1, ... with no gap; their serialized size. */
  private record Tail(long firstEventId, List<HistoryEvent> events, long bytes) {}

  private final LinkedHashMap<String, Tail> runs = new LinkedHashMap<>(256, 0.75f, true);
  private final long maxBytes;
  private long bytes;

  public RecentEvents() {
    this(MAX_BYTES);
  }

  RecentEvents(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  private static String key(String namespaceId, String runId) {
    return namespaceId + "/" + runId;
  }

  /** A commit appended these events (in order) to the run's history. */
  public synchronized void committed(String namespaceId, String runId, List<HistoryEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    String k = key(namespaceId, runId);
    long first = events.get(0).getEventId();
    Tail t = runs.get(k);
    List<HistoryEvent> list = new ArrayList<>(MAX_EVENTS_PER_RUN);
    if (t != null && t.firstEventId() + t.events().size() == first) {
      list.addAll(t.events());
      first = t.firstEventId();
    }
    list.addAll(events);
    int drop = Math.max(0, list.size() - MAX_EVENTS_PER_RUN);
    List<HistoryEvent> kept = List.copyOf(list.subList(drop, list.size()));
    long size = 0;
    for (HistoryEvent e : kept) {
      size += e.getSerializedSize();
    }
    Tail previous = runs.put(k, new Tail(first + drop, kept, size));
    bytes += size - (previous == null ? 0 : previous.bytes());
    var eldest = runs.entrySet().iterator();
    while ((runs.size() > MAX_RUNS || bytes > maxBytes) && eldest.hasNext()) {
      bytes -= eldest.next().getValue().bytes();
      eldest.remove();
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Events [from, to] of the run when every one of them is held here, else null. */
  public synchronized List<HistoryEvent> range(String namespaceId, String runId, long from, long to) {
    Tail t = runs.get(key(namespaceId, runId));
    if (t == null || from < t.firstEventId() || to < from
        || to >= t.firstEventId() + t.events().size()) {
      return null;
    }
    return t.events().subList((int) (from - t.firstEventId()), (int) (to - t.firstEventId() + 1));
  }

  /** The run's history was deleted or replaced. */
  public synchronized void forget(String namespaceId, String runId) {
    Tail t = runs.remove(key(namespaceId, runId));
    if (t != null) {
      bytes -= t.bytes();
    }
  }
}
