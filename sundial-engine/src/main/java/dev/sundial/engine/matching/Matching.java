package dev.sundial.engine.matching;

import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.taskqueue.v1.PollerInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Task queues: hands a committed task straight to a waiting poller when there is one (sync
 * match), otherwise keeps it in the in-memory view of the durable backlog. Polls are futures, so
 * no thread waits for a task.
 */
public final class Matching {
  private final Map<TaskQueueKey, Queue> queues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final EngineMetrics metrics;

  public Matching(ScheduledExecutorService scheduler) {
    this(scheduler, EngineMetrics.none());
  }

  public Matching(ScheduledExecutorService scheduler, EngineMetrics metrics) {
    this.scheduler = scheduler;
    this.metrics = metrics;
  }

  /** A registered long poll. Completes with a task, or null when it timed out or was cancelled. */
  public static final class Poll {
    final CompletableFuture<QueueTask> future = new CompletableFuture<>();
    final String identity;
    final String workerInstanceKey;

    Poll(String identity, String workerInstanceKey) {
      this.identity = identity;
      this.workerInstanceKey = workerInstanceKey;
    }

    public CompletableFuture<QueueTask> future() {
      return future;
    }

    /** Ends the poll without a task (client went away). */
    public void cancel() {
      future.complete(null);
    }
  }

  private static final class Queue {
    /** Dispatched by priority, then fairly across fairness keys (see {@link Backlog}). */
    final Backlog backlog = new Backlog();
    final ArrayDeque<Poll> pollers = new ArrayDeque<>();
    volatile long lastPollTime;
    /** A worker's sticky queue (metrics label it as one, not by its per-worker name). */
    volatile boolean sticky;
    // For DescribeTaskQueue (see TaskQueueStats): recent pollers, task ages and rates.
    final Map<String, PollerInfo> pollerHistory = new ConcurrentHashMap<>();
    final RateCounter addRate = new RateCounter();
    final RateCounter dispatchRate = new RateCounter();
  }

  /** Sticky queues whose worker shut down; tasks for them are moved to the normal queue. */
  private final Set<TaskQueueKey> unloaded = ConcurrentHashMap.newKeySet();

  /**
   * A worker announced its shutdown: forget its sticky queue and return the tasks waiting there
   * (the engine moves them to the normal queue). Its pending polls end empty.
   */
  public List<QueueTask> unload(TaskQueueKey key) {
    unloaded.add(key);
    Queue q = queues.remove(key);
    if (q == null) {
      return List.of();
    }
    List<QueueTask> tasks;
    List<Poll> polls;
    synchronized (q) {
      tasks = q.backlog.tasks();
      tasks.forEach(t -> waiting.remove(t.taskId()));
      q.backlog.clear();
      polls = new ArrayList<>(q.pollers);
      q.pollers.clear();
    }
    polls.forEach(Poll::cancel);
    return tasks;
  }

  public boolean isUnloaded(TaskQueueKey key) {
    return !unloaded.isEmpty() && unloaded.contains(key);
  }

  /**
   * Offers a committed task: to the oldest live poller, else to the backlog. A durable task
   * already waiting in a backlog is not added twice (a cluster node can learn of a task both from
   * the node that wrote it and from the database).
   */
  public void add(QueueTask task) {
    if (task.taskId() >= 0 && !waiting.add(task.taskId())) {
      return;
    }
    TaskQueueKey key = new TaskQueueKey(task.namespaceId(), task.taskQueue(), task.kind());
    Queue q = queue(key);
    long now = System.currentTimeMillis();
    q.addRate.record(now);
    while (true) {
      Poll poll;
      synchronized (q) {
        if (queues.get(key) != q) {
          // The queue was dropped meanwhile (its partition moved): the task's row is durable and
          // the partition's owner serves it; keeping it here would strand it.
          waiting.remove(task.taskId());
          return;
        }
        poll = q.pollers.poll();
        if (poll == null) {
          q.backlog.add(task, now);
          if (q.lastPollTime < now - TaskQueueStats.POLLER_HISTORY_TTL_MILLIS) {
            metrics.noPollerTask(key.namespaceId(), key.name(), activity(key), q.sticky);
          }
          return;
        }
      }
      if (poll.future.complete(task)) {
        q.dispatchRate.record(now);
        dispatched(task, now);
        metrics.dispatched(key.namespaceId(), key.name(), activity(key), q.sticky, true, 0);
        return;
      }
    }
  }

  /** Task ids of durable tasks waiting in some backlog. */
  private final Set<Long> waiting = ConcurrentHashMap.newKeySet();
  /** Durable tasks handed to a poller recently (task id to when), for the backlog sweep. */
  private final Map<Long, Long> dispatchedAt = new ConcurrentHashMap<>();
  private static final long REDISPATCH_AFTER_MILLIS = 30_000;

  private volatile long lastPruneMillis;

  private void dispatched(QueueTask task, long now) {
    if (task.taskId() >= 0) {
      waiting.remove(task.taskId());
      dispatchedAt.put(task.taskId(), now);
      // Only entries younger than REDISPATCH_AFTER_MILLIS matter to the sweep; prune here too, as
      // a single node never sweeps and the map would otherwise keep every task id ever dispatched.
      if (now - lastPruneMillis > REDISPATCH_AFTER_MILLIS) {
        lastPruneMillis = now;
        dispatchedAt.values().removeIf(t -> t < now - 2 * REDISPATCH_AFTER_MILLIS);
      }
    }
  }

  /**
   * The backlog sweep found this durable row: adds it unless it is waiting already or was handed
   * out within the last {@value #REDISPATCH_AFTER_MILLIS} ms (its start may still be in flight;
   * a row still there after that was lost on the way, e.g. its start failed on a dead node).
   */
  public void offerIfForgotten(QueueTask task, long now) {
    Long at = dispatchedAt.get(task.taskId());
    if (waiting.contains(task.taskId()) || (at != null && at > now - REDISPATCH_AFTER_MILLIS)) {
      return;
    }
    add(task);
  }

  /**
   * The node gave up the partition(s) selected: their waiting polls end empty (the workers poll
   * again and reach the new owner) and their in-memory backlog is forgotten (the rows stay in the
   * database for the new owner).
   */
  public void dropPartition(Predicate<TaskQueueKey> selected) {
    for (TaskQueueKey key : List.copyOf(queues.keySet())) {
      if (!selected.test(key)) continue;
      Queue q = queues.remove(key);
      if (q == null) continue;
      List<Poll> polls;
      synchronized (q) {
        q.backlog.tasks().forEach(t -> waiting.remove(t.taskId()));
        q.backlog.clear();
        polls = new ArrayList<>(q.pollers);
        q.pollers.clear();
      }
      polls.forEach(Poll::cancel);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for a task. The returned poll's future completes with the
   * task, or null on timeout or {@link Poll#cancel()}.
   */
  public Poll poll(TaskQueueKey key, String identity, String workerInstanceKey, long timeoutMillis) {
    if (!unloaded.isEmpty()) {
      unloaded.remove(key); // a worker polls it again
    }
    Queue q = queue(key);
    q.lastPollTime = System.currentTimeMillis();
    Poll poll = new Poll(identity, workerInstanceKey);
    synchronized (q) {
      if (queues.get(key) != q) {
        poll.future.complete(null); // dropped meanwhile: the worker polls again elsewhere
        return poll;
      }
      Backlog.Next next = q.backlog.poll();
      if (next != null) {
        QueueTask task = next.task();
        dispatched(task, q.lastPollTime);
        metrics.dispatched(key.namespaceId(), key.name(), activity(key), q.sticky, false,
            next.addedAt() == 0 ? 0 : q.lastPollTime - next.addedAt());
        q.dispatchRate.record(q.lastPollTime);
        poll.future.complete(task);
        return poll;
      }
      q.pollers.add(poll);
    }
    var timeout = scheduler.schedule(() -> {
      if (poll.future.complete(null)) {
        metrics.pollTimedOut(key.namespaceId(), key.name(), activity(key), q.sticky);
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    poll.future.whenComplete(
        (t, e) -> {
          timeout.cancel(false);
          if (t == null) {
            synchronized (q) {
              q.pollers.remove(poll);
            }
          }
        });
    return poll;
  }

  /** Tasks currently waiting in the backlog of a queue (for describe). */
  public int backlogSize(TaskQueueKey key) {
    Queue q = queues.get(key);
    if (q == null) return 0;
    synchronized (q) {
      return q.backlog.size();
    }
  }

  /** Drops backlog entries of a run (e.g. after it closed) — a cheap cleanup, not required. */
  public void removeIf(TaskQueueKey key, Predicate<QueueTask> p) {
    Queue q = queues.get(key);
    if (q == null) return;
    synchronized (q) {
      q.backlog.removeIf(p).forEach(t -> waiting.remove(t.taskId()));
    }
  }

  /** A poller is waiting on the queue now, or one started polling at or after sinceMillis. */
  public boolean hasRecentPoller(TaskQueueKey key, long sinceMillis) {
    Queue q = queues.get(key);
    if (q == null) return false;
    if (q.lastPollTime >= sinceMillis) return true;
    synchronized (q) {
      return !q.pollers.isEmpty();
    }
  }

  /** Forgets when the queue was last polled (its worker shut down): it has no recent poller. */
  public void forgetPollers(TaskQueueKey key) {
    Queue q = queues.get(key);
    if (q != null) q.lastPollTime = 0;
  }

  /** Remembers a poll of the queue by a worker (identity and poll details) for describe. */
  public void recordPoller(TaskQueueKey key, PollerInfo poller) {
    queue(key).pollerHistory.put(
        poller.getIdentity(),
        poller.toBuilder()
            .setLastAccessTime(
                MutableState.timestamp(System.currentTimeMillis()))
            .build());
  }

  /** What DescribeTaskQueue reports of a queue (see TaskQueueStats). */
  public TaskQueueStats stats(TaskQueueKey key, long pollersSinceMillis) {
    Queue q = queues.get(key);
    long now = System.currentTimeMillis();
    if (q == null) {
      return new TaskQueueStats(List.of(), 0, 0, 0, 0, 0);
    }
    List<PollerInfo> pollers = new ArrayList<>();
    for (var it = q.pollerHistory.values().iterator(); it.hasNext(); ) {
      var p = it.next();
      long last = p.getLastAccessTime().getSeconds() * 1000 + p.getLastAccessTime().getNanos() / 1_000_000;
      if (last < now - TaskQueueStats.POLLER_HISTORY_TTL_MILLIS) {
        it.remove();
      } else if (last >= pollersSinceMillis) {
        pollers.add(p);
      }
    }
    pollers.sort(Comparator.comparing(PollerInfo::getIdentity));
    synchronized (q) {
      QueueTask head = q.backlog.oldest();
      Long since = head == null ? null : q.backlog.addedAt(head);
      return new TaskQueueStats(
          pollers, q.backlog.size(), since == null ? 0 : Math.max(0, now - since),
          q.addRate.perSecond(now), q.dispatchRate.perSecond(now),
          head == null ? 0 : head.taskId());
    }
  }

  /** Ends the waiting polls of a worker instance (it shut down). */
  public void cancelPollsOf(String workerInstanceKey) {
    if (workerInstanceKey.isEmpty()) {
      return;
    }
    List<Poll> ended = new ArrayList<>();
    for (Queue q : queues.values()) {
      synchronized (q) {
        q.pollers.removeIf(p -> {
          boolean match = workerInstanceKey.equals(p.workerInstanceKey);
          if (match) ended.add(p);
          return match;
        });
      }
    }
    ended.forEach(Poll::cancel);
  }

  /** A worker polls this queue as its sticky queue. */
  public void markSticky(TaskQueueKey key) {
    queue(key).sticky = true;
  }

  /** Every queue's backlog now (for the backlog gauges). */
  public List<EngineMetrics.Backlog> backlogs() {
    long now = System.currentTimeMillis();
    List<EngineMetrics.Backlog> all = new ArrayList<>();
    queues.forEach((key, q) -> {
      synchronized (q) {
        QueueTask head = q.backlog.oldest();
        Long since = head == null ? null : q.backlog.addedAt(head);
        all.add(new EngineMetrics.Backlog(key.namespaceId(), key.name(), activity(key), q.sticky,
            q.backlog.size(), since == null ? 0 : Math.max(0, now - since)));
      }
    });
    return all;
  }

  private static boolean activity(TaskQueueKey key) {
    return key.kind() == QueueTask.KIND_ACTIVITY;
  }

  private Queue queue(TaskQueueKey key) {
    return queues.computeIfAbsent(key, k -> new Queue());
  }
}
