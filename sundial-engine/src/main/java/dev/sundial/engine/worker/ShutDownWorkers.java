package dev.sundial.engine.worker;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Workers that announced their shutdown (ShutdownWorker with their worker instance key) in the
 * last 30 seconds. As Temporal's matching does, polls they still send are answered empty at once:
 * a poll already on its way when the worker shut down would otherwise reload its sticky queue and
 * take tasks it will never process.
 */
public final class ShutDownWorkers {
  static final long TTL_MILLIS = 30_000;
  static final int MAX = 10_000;

  private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();

  /** Remembers a worker instance key (none: nothing to remember). */
  public void add(String instanceKey, long nowMillis) {
    if (instanceKey.isEmpty()) {
      return;
    }
    if (until.size() >= MAX) {
      until.values().removeIf(t -> t <= nowMillis);
    }
    if (until.size() < MAX) {
      until.put(instanceKey, nowMillis + TTL_MILLIS);
    }
  }

  /** Whether the worker of this instance key shut down within the last 30 seconds. */
  public boolean recent(String instanceKey, long nowMillis) {
    if (instanceKey.isEmpty()) {
      return false;
    }
    Long t = until.get(instanceKey);
    if (t == null) {
      return false;
    }
    if (t <= nowMillis) {
      until.remove(instanceKey, t);
      return false;
    }
    return true;
  }
}
