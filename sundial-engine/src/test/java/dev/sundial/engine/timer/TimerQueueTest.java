package dev.sundial.engine.timer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.engine.MutableClock;
import dev.sundial.persistence.TimerTask;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The windowed timer queue, driven by hand: an injected clock, no threads started (refillDue and
 * pollDue are what the two threads call). The timer table is a sorted set that answers the same
 * query the store does (fireAt &lt; before, by fire time then task id, limited).
 */
class TimerQueueTest {
  private static final long T0 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final long WINDOW = 1_000;

  private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
  private final Table table = new Table();
  private final AtomicLong ids = new AtomicLong();
  private TimerQueue queue;

  /** The stored timers; a hook can run in the middle of a load (a commit racing the read). */
  private static final class Table implements TimerQueue.Source {
    final TreeSet<TimerTask> rows =
        new TreeSet<>(Comparator.comparingLong(TimerTask::fireAtMillis).thenComparingLong(TimerTask::taskId));
    Runnable beforeRead = () -> {};
    Runnable afterRead = () -> {};
    int loads;

    @Override
    public synchronized List<TimerTask> load(int shardId, long beforeMillis, int limit) {
      loads++;
      beforeRead.run();
      List<TimerTask> out = new ArrayList<>();
      for (TimerTask t : rows) {
        if (out.size() >= limit || t.fireAtMillis() >= beforeMillis) break;
        if (t.shardId() == shardId) out.add(t);
      }
      afterRead.run();
      return out;
    }
  }

  private TimerQueue queue(int shardLimit) {
    queue = new TimerQueue(clock, table, t -> {}, new TimerQueue.Config(WINDOW, shardLimit, 10));
    return queue;
  }

  @AfterEach
  void close() {
    if (queue != null) queue.close();
  }

  private TimerTask stored(int shard, long fireAt) {
    TimerTask t = new TimerTask(ids.incrementAndGet(), shard, fireAt, "ns", "wf", "run", 1, new byte[0]);
    synchronized (table) {
      table.rows.add(t);
    }
    return t;
  }

  /** What the engine does on commit: row first, then the commit callback. */
  private TimerTask committed(int shard, long fireAt) {
    TimerTask t = stored(shard, fireAt);
    queue.add(t);
    return t;
  }

  /** Fires everything due now the way the engine does: poll, delete the row, report finished. */
  private List<TimerTask> fireDue() {
    List<TimerTask> fired = new ArrayList<>();
    TimerTask t;
    while ((t = queue.pollDue()) != null) {
      synchronized (table) {
        table.rows.remove(t);
      }
      queue.finished(t);
      fired.add(t);
    }
    return fired;
  }

  private void advanceTo(long millis) {
    clock.set(Instant.ofEpochMilli(millis));
  }

  @Test
  void timersBeyondTheWindowStayInTheStoreAndFireAfterARefill() {
    TimerTask soon = stored(0, T0 + 500);
    TimerTask later = stored(0, T0 + 5_000);
    queue(100);

    assertThat(queue.addShard(0)).isEqualTo(1);
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.boundary(0)).isEqualTo(T0 + WINDOW);
    advanceTo(T0 + 500);
    assertThat(fireDue()).containsExactly(soon);

    // A commit beyond the window is left to the store.
    TimerTask committedLater = committed(0, T0 + 3_000);
    assertThat(queue.size()).isZero();

    advanceTo(T0 + 2_600);
    queue.refillDue();
    assertThat(queue.size()).isEqualTo(1);
    advanceTo(T0 + 3_000);
    assertThat(fireDue()).containsExactly(committedLater);

    for (long t = T0 + 3_000; t <= T0 + 5_000; t += 100) {
      advanceTo(t);
      queue.refillDue();
      if (t < T0 + 5_000) assertThat(fireDue()).isEmpty();
    }
    assertThat(fireDue()).containsExactly(later);
    assertThat(table.rows).isEmpty();
  }

  @Test
  void aTimerCommittedAtTheBoundaryIsNotSkipped() {
    queue(100);
    queue.addShard(0);
    long boundary = queue.boundary(0);
    TimerTask atBoundary = committed(0, boundary);
    TimerTask justBefore = committed(0, boundary - 1);
    assertThat(queue.size()).isEqualTo(1); // only the one strictly before the boundary

    // Commits racing the next refill: one lands before the read, one after it.
    List<TimerTask> racing = new ArrayList<>();
    table.beforeRead = () -> racing.add(committed(0, boundary + 10));
    table.afterRead = () -> racing.add(committed(0, boundary + 20));
    advanceTo(boundary - WINDOW / 2);
    assertThat(queue.refillDue()).isEqualTo(1);
    table.beforeRead = () -> {};
    table.afterRead = () -> {};
    assertThat(queue.size()).isEqualTo(4);

    advanceTo(boundary + 20);
    assertThat(fireDue()).containsExactly(justBefore, atBoundary, racing.get(0), racing.get(1));
    assertThat(table.rows).isEmpty();
  }

  @Test
  void moreTimersThanTheLimitComeInPagesInFireOrderEachOnce() {
    List<TimerTask> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) all.add(stored(0, T0 + 100));
    queue(4);
    assertThat(queue.addShard(0)).isEqualTo(4);

    advanceTo(T0 + 100);
    List<TimerTask> fired = new ArrayList<>();
    for (int round = 0; round < 10 && fired.size() < all.size(); round++) {
      fired.addAll(fireDue());
      queue.refillDue();
    }
    assertThat(fired).containsExactlyElementsOf(all);
  }

  @Test
  void aTimerBeingFiredIsNotLoadedAgain() {
    TimerTask t = stored(0, T0 + 100);
    queue(100);
    queue.addShard(0);
    advanceTo(T0 + 600);
    assertThat(queue.pollDue()).isEqualTo(t); // in flight: its row is not deleted yet
    queue.refillDue();
    assertThat(queue.size()).isZero();
    assertThat(queue.pollDue()).isNull();

    // A failed fire is re-armed by the engine and fires again.
    queue.add(t);
    assertThat(queue.pollDue()).isEqualTo(t);
  }

  @Test
  void commitsOverTheLimitAreEvictedAndComeBackLater() {
    queue(3);
    queue.addShard(0);
    List<TimerTask> all = new ArrayList<>();
    for (int i = 5; i >= 1; i--) all.add(0, committed(0, T0 + i * 100));
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.boundary(0)).isEqualTo(T0 + 400);

    List<TimerTask> fired = new ArrayList<>();
    for (long t = T0; t <= T0 + 600; t += 50) {
      advanceTo(t);
      queue.refillDue();
      fired.addAll(fireDue());
    }
    assertThat(fired).containsExactlyElementsOf(all);
  }

  @Test
  void removeShardForgetsItsTimersAndIgnoresItsCommits() {
    TimerTask a = stored(1, T0 + 100);
    TimerTask b = stored(2, T0 + 200);
    queue(100);
    queue.addShard(1);
    queue.addShard(2);
    assertThat(queue.size()).isEqualTo(2);

    queue.removeShard(1);
    assertThat(queue.size()).isEqualTo(1);
    committed(1, T0 + 150);
    assertThat(queue.size()).isEqualTo(1);
    advanceTo(T0 + 300);
    queue.refillDue();
    assertThat(fireDue()).containsExactly(b);

    // Acquired again: its stored timers come back.
    assertThat(queue.addShard(1)).isEqualTo(2);
    assertThat(fireDue()).first().isEqualTo(a);
  }

  @Test
  void theThreadsFireDueTimers() throws Exception {
    List<TimerTask> fired = new CopyOnWriteArrayList<>();
    Consumer<TimerTask> onFire = t -> {
      synchronized (table) {
        table.rows.remove(t);
      }
      fired.add(t);
      queue.finished(t);
    };
    TimerTask t = stored(0, T0 + 5_000);
    queue = new TimerQueue(clock, table, onFire, new TimerQueue.Config(WINDOW, 100, 10));
    queue.addShard(0);
    queue.start();
    clock.advance(Duration.ofMillis(5_000));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (fired.isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(fired).containsExactly(t);
  }
}
