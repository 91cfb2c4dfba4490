package dev.sundial.engine.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values one label takes (task queues, workflow types, namespaces named by clients):
 * the first {@code limit} distinct values are kept, any later one is reported as {@link #OTHER}.
 * Each value is a separate series in every scrape, so an unbounded label (a task queue per
 * workflow, a type name from user input) would grow the server's memory and the monitoring
 * system's without end.
 */
public final class CappedTagValues {
  public static final String OTHER = "_other";

  private final int limit;
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  public CappedTagValues(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    this.limit = limit;
  }

  /** The value itself while it is one of the first {@code limit} seen, else {@link #OTHER}. */
  public String of(String value) {
    if (kept.contains(value)) {
      return value;
    }
    if (kept.size() >= limit) {
      return OTHER;
    }
    // Two threads may both pass the size check: the bound can be exceeded by the number of
    // threads racing, never more.
    kept.add(value);
    return value;
  }
}
