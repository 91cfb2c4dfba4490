package dev.sundial.engine.timer;

import dev.sundial.persistence.TimerTask;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory side of durable timers. The database copy is authoritative; memory holds only a
 * window of it per shard: the timers due before the shard's {@code boundary} (about now + window,
 * or less when the shard has more near-term timers than its limit). A refill thread moves the
 * window forward from the store; timers committed beyond the window are not kept (the refill that
 * reaches their fire time finds them), so many sleeping workflows cost rows, not memory.
 *
 * <p>Invariant per shard: every stored timer with fireAt &lt; boundary is in memory or in flight
 * (handed to the engine, not yet reported finished). A refill publishes its new target as the
 * acceptance limit for commits <em>before</em> reading the store, so a timer committed while the
 * read runs is either added by its commit callback or seen by the read, never skipped. Duplicates
 * are dropped by task id; a duplicate fire that slips through is harmless (firing is idempotent).
 */
public final class TimerQueue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TimerQueue.class);

  /** Stored timers of a shard with fireAt &lt; before, by fire time then task id, at most limit. */
  public interface Source {
    List<TimerTask> load(int shardId, long beforeMillis, int limit);
  }

  /**
   * How far ahead memory reaches, how many timers one shard keeps at most, and how often the
   * refill thread looks at the windows.
   */
  public record Config(long windowMillis, int shardLimit, long checkMillis) {
    public Config {
      if (windowMillis < 2) throw new IllegalArgumentException("windowMillis must be >= 2");
      if (shardLimit < 2) throw new IllegalArgumentException("shardLimit must be >= 2");
      if (checkMillis < 1) throw new IllegalArgumentException("checkMillis must be >= 1");
    }

    /** 60 s ahead; about 64k timers in memory in all (a few tens of MB at most). */
    public static Config defaults(int shardCount) {
      return new Config(60_000, Math.max(256, 65_536 / Math.max(1, shardCount)), 250);
    }
  }

  private static final Comparator<TimerTask> ORDER =
      Comparator.comparingLong(TimerTask::fireAtMillis)
          .thenComparingLong(TimerTask::taskId)
          .thenComparingInt(TimerTask::shardId);

  /** One shard's window. Guarded by the queue's lock. */
  private static final class Window {
    final int shardId;
    final TreeSet<TimerTask> timers = new TreeSet<>(ORDER);
    final Set<Long> inFlight = new HashSet<>();
    /** Ids finished while a refill read ran: the read may still return their (deleted) rows. */
    final Set<Long> finishedDuringRefill = new HashSet<>();
    long boundary = Long.MIN_VALUE;
    /** Commits with fireAt below this are kept; above boundary only while a refill reads. */
    long accepting = Long.MIN_VALUE;
    /** Stored timers at or after boundary may exist (a refill hit the limit or memory evicted). */
    boolean more;
    boolean refilling;

    Window(int shardId) {
      this.shardId = shardId;
    }

    int known() {
      return timers.size() + inFlight.size();
    }
  }

  private final Object lock = new Object();
  private final TreeSet<TimerTask> queue = new TreeSet<>(ORDER);
  private final Map<Integer, Window> windows = new HashMap<>();
  private final Clock clock;
  private final Source source;
  private final Consumer<TimerTask> onFire;
  private final Config config;
  private final Thread fireThread;
  private final Thread refillThread;
  private boolean refillWanted;
  private volatile boolean closed;

  public TimerQueue(Clock clock, Source source, Consumer<TimerTask> onFire, Config config) {
    this.clock = clock;
    this.source = source;
    this.onFire = onFire;
    this.config = config;
    this.fireThread = new Thread(this::fireLoop, "sundial-timers");
    this.fireThread.setDaemon(true);
    this.refillThread = new Thread(this::refillLoop, "sundial-timer-refill");
    this.refillThread.setDaemon(true);
  }

  public void start() {
    fireThread.start();
    refillThread.start();
  }

  /** Starts serving a shard's timers: loads its window now (on the caller's thread). */
  public int addShard(int shardId) {
    Window w = new Window(shardId);
    synchronized (lock) {
      dropShard(shardId);
      windows.put(shardId, w);
    }
    refill(w);
    synchronized (lock) {
      return w.timers.size();
    }
  }

  /** Forgets the timers of a shard this node no longer serves (its new owner loads them). */
  public void removeShard(int shardId) {
    synchronized (lock) {
      dropShard(shardId);
    }
  }

  private void dropShard(int shardId) {
    Window w = windows.remove(shardId);
    if (w != null) {
      w.timers.forEach(queue::remove);
    }
  }

  /**
   * A timer was committed, or a failed fire is re-armed. Kept when it falls in the shard's window;
   * otherwise the store has it and a later refill brings it in.
   */
  public void add(TimerTask task) {
    synchronized (lock) {
      Window w = windows.get(task.shardId());
      if (w == null) {
        return; // not served here (or not yet: the acquiring refill reads the store after this)
      }
      w.inFlight.remove(task.taskId());
      if (task.fireAtMillis() < w.accepting) {
        insert(w, task);
      }
    }
  }

  /** The engine finished firing a timer (its row is deleted or the fire was a no-op). */
  public void finished(TimerTask task) {
    synchronized (lock) {
      Window w = windows.get(task.shardId());
      if (w == null) {
        return;
      }
      if (w.inFlight.remove(task.taskId()) && w.refilling) {
        w.finishedDuringRefill.add(task.taskId());
      }
      wakeRefillIfLow(w);
    }
  }

  /** Timers held in memory (not counting those being fired). */
  public int size() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Test view: the shard's boundary (every stored timer before it is in memory or in flight). */
  long boundary(int shardId) {
    synchronized (lock) {
      Window w = windows.get(shardId);
      return w == null ? Long.MIN_VALUE : w.boundary;
    }
  }

  private void insert(Window w, TimerTask t) {
    if (!w.timers.add(t)) {
      return;
    }
    queue.add(t);
    if (w.timers.size() > config.shardLimit()) {
      // Over the limit: forget the latest one and pull the boundary down to it (strictly below
      // its fire time everything is still in memory); a refill brings it back in time.
      TimerTask last = w.timers.pollLast();
      queue.remove(last);
      w.boundary = Math.min(w.boundary, last.fireAtMillis());
      w.accepting = Math.min(w.accepting, last.fireAtMillis());
      w.more = true;
    }
    if (queue.first() == t) {
      lock.notifyAll();
    }
  }

  private boolean needsRefill(Window w, long now) {
    if (w.refilling) {
      return false;
    }
    if (w.more) {
      return w.known() < config.shardLimit() / 2;
    }
    return now >= w.boundary - config.windowMillis() / 2;
  }

  private void wakeRefillIfLow(Window w) {
    if (w.more && w.known() < config.shardLimit() / 2) {
      refillWanted = true;
      lock.notifyAll();
    }
  }

  /** Moves one shard's window forward from the store. */
  private void refill(Window w) {
    long now = clock.millis();
    long target = now > Long.MAX_VALUE - config.windowMillis() ? Long.MAX_VALUE : now + config.windowMillis();
    synchronized (lock) {
      if (windows.get(w.shardId) != w) {
        return;
      }
      w.refilling = true;
      w.more = false;
      // Published before the read: a commit from here on below target is kept by add().
      w.accepting = Math.max(w.accepting, target);
    }
    List<TimerTask> rows;
    try {
      rows = source.load(w.shardId, target, config.shardLimit());
    } catch (RuntimeException e) {
      log.warn("loading timers of shard {} failed, retrying: {}", w.shardId, e.toString());
      synchronized (lock) {
        w.refilling = false;
        w.more = true; // unknown: the low-water check retries it
        w.accepting = w.boundary;
        w.finishedDuringRefill.clear();
        trimAfterBoundary(w);
      }
      return;
    }
    synchronized (lock) {
      w.refilling = false;
      if (windows.get(w.shardId) != w) {
        return;
      }
      for (TimerTask t : rows) {
        if (t.fireAtMillis() >= w.accepting) {
          break;
        }
        if (!w.inFlight.contains(t.taskId()) && !w.finishedDuringRefill.contains(t.taskId())) {
          insert(w, t);
        }
      }
      w.finishedDuringRefill.clear();
      boolean full = rows.size() >= config.shardLimit();
      long covered = full ? rows.get(rows.size() - 1).fireAtMillis() : target;
      w.boundary = Math.min(covered, w.accepting);
      w.accepting = w.boundary;
      if (full) {
        w.more = true;
      }
      if (w.more) {
        trimAfterBoundary(w);
      }
    }
  }

  /**
   * Forgets timers after the boundary (the store has them), so memory holds only a shard's
   * earliest timers and "few known" in the low-water check means "the earliest ones are done".
   */
  private void trimAfterBoundary(Window w) {
    while (!w.timers.isEmpty() && w.timers.last().fireAtMillis() > w.boundary) {
      queue.remove(w.timers.pollLast());
    }
  }

  /** Refills every window that needs it; returns how many were refilled. */
  int refillDue() {
    List<Window> due = new ArrayList<>();
    synchronized (lock) {
      long now = clock.millis();
      for (Window w : windows.values()) {
        if (needsRefill(w, now)) due.add(w);
      }
      refillWanted = false;
    }
    due.forEach(this::refill);
    return due.size();
  }

  /**
   * Takes the earliest timer when it is due (moving it to in flight), or returns null. Used by the
   * fire thread and by tests.
   */
  TimerTask pollDue() {
    synchronized (lock) {
      if (queue.isEmpty() || queue.first().fireAtMillis() > clock.millis()) {
        return null;
      }
      TimerTask t = queue.pollFirst();
      Window w = windows.get(t.shardId());
      if (w != null) {
        w.timers.remove(t);
        w.inFlight.add(t.taskId());
        wakeRefillIfLow(w);
      }
      return t;
    }
  }

  private void fireLoop() {
    while (!closed) {
      TimerTask due;
      synchronized (lock) {
        due = pollDue();
        if (due == null) {
          long now = clock.millis();
          long wait = queue.isEmpty() ? 1000 : Math.min(1000, queue.first().fireAtMillis() - now);
          try {
            lock.wait(Math.max(1, wait));
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
      }
      try {
        onFire.accept(due);
      } catch (Throwable t) {
        log.error("timer {} failed to fire", due.taskId(), t);
      }
    }
  }

  private void refillLoop() {
    while (!closed) {
      try {
        refillDue();
      } catch (RuntimeException e) {
        log.warn("timer refill failed: {}", e.toString());
      }
      synchronized (lock) {
        if (!refillWanted) {
          try {
            lock.wait(config.checkMillis());
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    fireThread.interrupt();
    refillThread.interrupt();
  }
}
