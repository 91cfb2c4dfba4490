package dev.sundial.engine.matching;

import dev.sundial.persistence.QueueTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A task queue's in-memory backlog, dispatched as Temporal's matcher does: by priority level
 * first (1 before 5), then, within a level, fairly across fairness keys in proportion to their
 * weights (stride scheduling: each key advances by 1/weight per task dispatched; the key that has
 * advanced least goes next), first in, first out within a key. Not thread-safe: the queue's lock
 * guards it.
 */
final class Backlog {
  private final TreeMap<Integer, Level> levels = new TreeMap<>();
  /** Every waiting task with when it was added, oldest first. */
  private final LinkedHashMap<QueueTask, Long> addedAt = new LinkedHashMap<>();

  /** A waiting task with the fairness weight read from its row once, when it arrived. */
  private record Waiting(QueueTask task, float weight) {}

  private static final class Key {
    final String name;
    final ArrayDeque<Waiting> tasks = new ArrayDeque<>();
    double pass;
    long order; // ties go to the key that became ready first

    Key(String name) {
      this.name = name;
    }
  }

  private static final class Level {
    final Map<String, Key> keys = new HashMap<>();
    final PriorityQueue<Key> ready =
        new PriorityQueue<>(Comparator.comparingDouble((Key k) -> k.pass).thenComparingLong(k -> k.order));
    /** The pass of the last key served: a key that becomes ready starts here, not behind. */
    double now;
    long nextOrder;

    void add(QueueTask task, TaskPriority p) {
      Key k = keys.computeIfAbsent(p.fairnessKey(), Key::new);
      if (k.tasks.isEmpty()) {
        k.pass = Math.max(k.pass, now);
        k.order = nextOrder++;
        ready.add(k);
      }
      k.tasks.add(new Waiting(task, p.fairnessWeight()));
    }

    QueueTask poll() {
      Key k = ready.poll();
      if (k == null) return null;
      Waiting next = k.tasks.poll();
      now = k.pass;
      k.pass += 1.0 / next.weight();
      if (k.tasks.isEmpty()) {
        keys.remove(k.name); // forgotten when idle: it comes back at the current pass
      } else {
        ready.add(k);
      }
      return next.task();
    }

    boolean isEmpty() {
      return ready.isEmpty();
    }
  }

  void add(QueueTask task, long now) {
    TaskPriority p = TaskPriority.of(task);
    levels.computeIfAbsent(p.level(), l -> new Level()).add(task, p);
    addedAt.put(task, now);
  }

  /** A task leaving the backlog, and when it was added. */
  record Next(QueueTask task, long addedAt) {}

  /** The next task to dispatch, or null when the backlog is empty. */
  Next poll() {
    while (!levels.isEmpty()) {
      Map.Entry<Integer, Level> first = levels.firstEntry();
      QueueTask task = first.getValue().poll();
      if (first.getValue().isEmpty()) {
        levels.remove(first.getKey());
      }
      if (task != null) {
        Long at = addedAt.remove(task);
        return new Next(task, at == null ? 0 : at);
      }
    }
    return null;
  }

  int size() {
    return addedAt.size();
  }

  /** The task waiting longest, or null. */
  QueueTask oldest() {
    return addedAt.isEmpty() ? null : addedAt.keySet().iterator().next();
  }

  Long addedAt(QueueTask task) {
    return addedAt.get(task);
  }

  List<QueueTask> tasks() {
    return new ArrayList<>(addedAt.keySet());
  }

  /** Removes the tasks that match; returns them. */
  List<QueueTask> removeIf(Predicate<QueueTask> p) {
    List<QueueTask> removed = new ArrayList<>();
    for (Iterator<QueueTask> it = addedAt.keySet().iterator(); it.hasNext(); ) {
      QueueTask t = it.next();
      if (p.test(t)) {
        it.remove();
        removed.add(t);
      }
    }
    if (!removed.isEmpty()) {
      // Rebuild the levels without them (rare: runs that closed with tasks still waiting).
      Map<QueueTask, Long> keep = new LinkedHashMap<>(addedAt);
      clear();
      keep.forEach(this::add);
    }
    return removed;
  }

  void clear() {
    levels.clear();
    addedAt.clear();
  }
}
