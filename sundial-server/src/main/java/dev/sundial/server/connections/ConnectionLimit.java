package dev.sundial.server.connections;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most connections a server keeps open at once, over all its listeners (gRPC, HTTP API, UI).
 * A connection accepted past it is closed at once; clients see the connection refused and retry,
 * while the connections already open keep their file descriptors and memory.
 */
public final class ConnectionLimit {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  public ConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1, was " + max);
    }
    this.max = max;
  }

  /** Counts a new connection in; false (and counted as refused) when the limit is reached. */
  public boolean tryOpen() {
    while (true) {
      int n = open.get();
      if (n >= max) {
        refusedOne();
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** A connection counted in by {@link #tryOpen} has closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** One log line a minute at most, however many connections a flood brings. */
  private void refusedOne() {
    long total = refused.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogNanos.compareAndSet(last, now)) {
      log.warn("connection limit of {} reached: new connections are closed ({} refused so far)",
          max, total);
    }
  }
}
