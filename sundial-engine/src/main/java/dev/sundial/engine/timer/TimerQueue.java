package dev.sundial.engine.timer;

import dev.sundial.persistence.TimerTask;
import java.time.Clock;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory side of durable timers: committed timer tasks wait here ordered by fire time and
 * are handed to the engine when due. The database copy is authoritative; after a restart the
 * engine reloads it.
 */
public final class TimerQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimerQueue.class);

  private final PriorityQueue<TimerTask> queue =
      new PriorityQueue<>(
          (a, b) -> {
            int c = Long.compare(a.fireAtMillis(), b.fireAtMillis());
            return c != 0 ? c : Long.compare(a.taskId(), b.taskId());
          });
  private final Clock clock;
  private final Consumer<TimerTask> onFire;
  private final Thread thread;
  private volatile boolean closed;

  public TimerQueue(Clock clock, Consumer<TimerTask> onFire) {
    this.clock = clock;
    this.onFire = onFire;
    this.thread = new Thread(this::loop, "sundial-timers");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public void add(TimerTask task) {
    synchronized (queue) {
      queue.add(task);
      if (queue.peek() == task) {
        queue.notifyAll();
      }
    }
  }

  /** Forgets the timers of a shard this node no longer serves (its new owner loads them). */
  public void removeShard(int shardId) {
    synchronized (queue) {
      queue.removeIf(t -> t.shardId() == shardId);
    }
  }

  public int size() {
    synchronized (queue) {
      return queue.size();
    }
  }

  private void loop() {
    while (!closed) {
      TimerTask due;
      synchronized (queue) {
        TimerTask head = queue.peek();
        long now = clock.millis();
        if (head == null || head.fireAtMillis() > now) {
          long wait = head == null ? 1000 : Math.min(1000, head.fireAtMillis() - now);
          try {
            queue.wait(Math.max(1, wait));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        due = queue.poll();
      }
      try {
        onFire.accept(due);
      } catch (Throwable t) {
        log.error("timer {} failed to fire", due.taskId(), t);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
