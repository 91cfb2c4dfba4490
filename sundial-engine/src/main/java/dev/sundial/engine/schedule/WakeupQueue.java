package dev.sundial.engine.schedule;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory side of schedule wake-ups (the durable side is the schedules table's next_wakeup
 * column): one armed time per key, fired on a dedicated thread when due. Re-arming replaces the
 * previous time. The clock is re-read at least every {@value #MAX_WAIT_MS} ms, so a manually
 * advanced test clock works too.
 */
final class WakeupQueue<K> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WakeupQueue.class);

  private static final long MAX_WAIT_MS = 250;

  private record Entry<K>(long at, K key) {}

  private final Clock clock;
  private final Consumer<K> onDue;
  private final PriorityQueue<Entry<K>> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
  private final Map<K, Long> armed = new HashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  WakeupQueue(Clock clock, Consumer<K> onDue, String threadName) {
    this.clock = clock;
    this.onDue = onDue;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Disarms the wake-ups of every key that matches (their stale queue entries are skipped). */
  void disarmIf(Predicate<K> p) {
    synchronized (queue) {
      armed.keySet().removeIf(p);
    }
  }

  /** Arms (or re-arms) the key's wake-up; {@code Long.MAX_VALUE} disarms it. */
  void arm(K key, long at) {
    synchronized (queue) {
      if (at == Long.MAX_VALUE) {
        armed.remove(key);
        return;
      }
      Long current = armed.get(key);
      if (current != null && current == at) {
        return;
      }
      armed.put(key, at);
      Entry<K> e = new Entry<>(at, key);
      queue.add(e);
      if (queue.peek() == e) {
        queue.notifyAll();
      }
    }
  }

  void disarm(K key) {
    arm(key, Long.MAX_VALUE);
  }

  /** The armed wake-up of a key (for tests), or null. */
  Long armedAt(K key) {
    synchronized (queue) {
      return armed.get(key);
    }
  }

  private void loop() {
    while (!closed) {
      K due = null;
      synchronized (queue) {
        Entry<K> head = queue.peek();
        long now = clock.millis();
        if (head != null && !Long.valueOf(head.at()).equals(armed.get(head.key()))) {
          queue.poll(); // superseded by a later arm() or disarmed
          continue;
        }
        if (head == null || head.at() > now) {
          long wait = head == null ? MAX_WAIT_MS : Math.min(MAX_WAIT_MS, head.at() - now);
          try {
            queue.wait(Math.max(1, wait));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        queue.poll();
        armed.remove(head.key());
        due = head.key();
      }
      try {
        onDue.accept(due);
      } catch (Throwable t) {
        log.error("schedule wake-up of {} failed", due, t);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
