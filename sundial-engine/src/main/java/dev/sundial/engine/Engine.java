package dev.sundial.engine;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.HistoryWatchers;
import dev.sundial.engine.history.MutableState;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.timer.UserTimers;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflow.WorkflowRuns;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerQueue;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.GroupCommitter;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.TimerTask;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the history engine together: shards over the store and group committer, matching, the
 * timer queue and history watchers; recovers outbox tasks at start; routes committed outbox
 * entries to matching and timers.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  final Store store;
  final GroupCommitter committer;
  final Clock clock;
  final Shard[] shards;
  final Matching matching;
  final TimerQueue timers;
  final HistoryWatchers watchers = new HistoryWatchers();
  final NamespaceRegistry namespaces;
  final EngineContext ctx;
  final ScheduledExecutorService scheduler;
  final ExecutorService shardPool;
  final ExecutorService ioPool;

  public final WorkflowOps workflows;
  public final TaskOps tasks;
  public final HistoryReads history;
  final TransferProcessor transfers;
  final RetentionDeleter retention;
  public final QueryOps queries;
  public final UpdateOps updates;
  public final dev.sundial.engine.visibility.Visibility visibility;
  public final dev.sundial.engine.schedule.ScheduleService schedules;
  public final dev.sundial.engine.batch.BatchService batches;

  public Engine(Store store, Clock clock, int shardCount, EngineContext.Limits limits) {
    this.store = store;
    this.clock = clock;
    this.committer = new GroupCommitter(store, 256);
    this.namespaces = new NamespaceRegistry(store);
    this.ctx =
        new EngineContext(
            namespaces, limits,
            new dev.sundial.engine.visibility.SearchAttributeRegistry(store.visibility()));
    this.visibility = new dev.sundial.engine.visibility.Visibility(store, ctx.searchAttributes);
    this.scheduler =
        Executors.newScheduledThreadPool(1, daemon("sundial-scheduler", new AtomicInteger()));
    this.shardPool =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            daemon("sundial-shard-", new AtomicInteger()));
    this.ioPool = Executors.newCachedThreadPool(daemon("sundial-io-", new AtomicInteger()));
    this.matching = new Matching(scheduler);
    this.timers = new TimerQueue(clock, this::fire);
    AtomicLong taskIds = new AtomicLong(store.maxTaskId() + 1);
    this.shards = new Shard[shardCount];
    String owner = "node-" + ProcessHandle.current().pid();
    for (int i = 0; i < shardCount; i++) {
      long rangeId = store.acquireShard(i, owner);
      shards[i] = new Shard(i, rangeId, store, committer, clock, shardPool, taskIds, 4096, this::committed);
      shards[i].setRetentionLookup(namespaces::retentionMillis);
    }
    this.workflows = new WorkflowOps(this);
    this.tasks = new TaskOps(this);
    this.history = new HistoryReads(this);
    this.transfers = new TransferProcessor(this);
    this.retention = new RetentionDeleter(this);
    this.queries = new QueryOps(this);
    this.updates = new UpdateOps(this);
    this.schedules =
        new dev.sundial.engine.schedule.ScheduleService(this, store, watchers, this::shardFor);
    namespaces.ensure(NamespaceRegistry.DEFAULT);
    recover();
    timers.start();
    schedules.start();
    this.batches = new dev.sundial.engine.batch.BatchService(this, store);
    batches.start();
  }

  public NamespaceRegistry namespaces() {
    return namespaces;
  }

  public EngineContext context() {
    return ctx;
  }

  public Clock clock() {
    return clock;
  }

  Shard shardFor(String namespaceId, String workflowId) {
    int h = (namespaceId + "/" + workflowId).hashCode();
    return shards[Math.floorMod(h, shards.length)];
  }

  /** Reloads the durable outbox: timers into the timer queue, backlog into matching. */
  private void recover() {
    long t0 = System.nanoTime();
    List<TimerTask> pending = store.loadTimers(Long.MAX_VALUE, Integer.MAX_VALUE);
    pending.forEach(timers::add);
    long after = 0;
    int queued = 0;
    while (true) {
      List<QueueTask> page = store.loadQueueTasks(after, 10_000);
      for (QueueTask t : page) {
        matching.add(t);
        after = t.taskId();
      }
      queued += page.size();
      if (page.size() < 10_000) break;
    }
    log.info(
        "recovered {} timers and {} queued tasks in {} ms",
        pending.size(), queued, (System.nanoTime() - t0) / 1_000_000);
  }

  /** After a commit: hand new tasks to matching and timers to the timer queue, wake watchers. */
  private void committed(
      Shard shard, List<Shard.CommittedRun> runs, List<QueueTask> queueTasks, List<TimerTask> added) {
    for (TimerTask t : added) {
      timers.add(t);
    }
    for (QueueTask t : queueTasks) {
      if (matching.isUnloaded(new dev.sundial.engine.matching.TaskQueueKey(t.namespaceId(), t.taskQueue(), t.kind()))) {
        moveOffStickyQueue(t);
      } else {
        matching.add(t);
      }
    }
    for (Shard.CommittedRun r : runs) {
      watchers.changed(new RunKey(r.namespaceId(), r.workflowId(), r.runId()));
      if (!r.running()) {
        ctx.updateRegistry.runClosed(new RunKey(r.namespaceId(), r.workflowId(), r.runId()));
      }
    }
  }

  /** ShutdownWorker: the worker's sticky queue is gone; its waiting tasks go to normal queues. */
  public void stickyQueueShutDown(String namespaceId, String stickyQueue) {
    if (stickyQueue == null || stickyQueue.isEmpty()) {
      return;
    }
    var key = new dev.sundial.engine.matching.TaskQueueKey(namespaceId, stickyQueue, QueueTask.KIND_WORKFLOW);
    matching.unload(key).forEach(this::moveOffStickyQueue);
  }

  private void moveOffStickyQueue(QueueTask t) {
    shardFor(t.namespaceId(), t.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(t.namespaceId(), t.workflowId(), t.runId());
              if (s != null) {
                WorkflowTasks.moveOffStickyQueue(txn, s, t);
              }
              return null;
            });
  }

  /** A durable timer is due: apply its transition (idempotent) and delete it. */
  private void fire(TimerTask task) {
    if (task.kind() == TimerKind.RETENTION_DELETE) {
      retention.process(task).whenComplete((ok, err) -> {
        if (err != null) {
          log.warn("retention task {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
          scheduler.schedule(() -> timers.add(task), 1, TimeUnit.SECONDS);
        }
      });
      return;
    }
    if (TimerKind.isTransfer(task.kind())) {
      CompletableFuture.supplyAsync(() -> transfers.process(task), ioPool)
          .thenCompose(f -> f)
          .whenComplete(
              (ok, err) -> {
                if (err != null) {
                  log.warn("transfer task {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
                  scheduler.schedule(() -> timers.add(task), 1, TimeUnit.SECONDS);
                }
              });
      return;
    }
    shardFor(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              txn.deleteTimer(task.taskId());
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null || !s.isRunning()) {
                return null;
              }
              TimerRef ref = TimerRef.decode(task.payload());
              switch (task.kind()) {
                case TimerKind.USER_TIMER -> UserTimers.onFire(txn, s, ref);
                case TimerKind.ACTIVITY_TIMEOUT, TimerKind.ACTIVITY_RETRY ->
                    Activities.onTimer(txn, s, task.kind(), ref);
                case TimerKind.WORKFLOW_TASK_TIMEOUT -> {
                  // Speculative tasks reuse event ids and attempts: only their own timer counts.
                  if (!s.workflowTask.isSpeculative() || s.workflowTask.timeoutTaskId == task.taskId()) {
                    WorkflowTasks.onTimeout(txn, s, ref);
                  }
                }
                case TimerKind.WORKFLOW_TIMEOUT -> WorkflowClose.timeOut(txn, s);
                case TimerKind.WORKFLOW_BACKOFF -> WorkflowRuns.onBackoffFired(txn, s);
                default -> log.warn("unknown timer kind {}", task.kind());
              }
              return null;
            })
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                log.warn("timer {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
                scheduler.schedule(() -> timers.add(task), 1, TimeUnit.SECONDS);
              }
            });
  }

  @Override
  public void close() {
    long batches = Math.max(1, committer.batchesCommitted());
    log.info(
        "group commit: {} batches, {} writes ({} per batch), {} ms per commit, {} ms callbacks per batch",
        committer.batchesCommitted(), committer.writesCommitted(),
        String.format("%.1f", committer.writesCommitted() / (double) batches),
        String.format("%.2f", committer.commitNanos() / 1e6 / batches),
        String.format("%.2f", committer.callbackNanos() / 1e6 / batches));
    this.batches.close();
    schedules.close();
    timers.close();
    scheduler.shutdownNow();
    shardPool.shutdown();
    try {
      shardPool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    committer.close();
    ioPool.shutdownNow();
  }

  static java.util.concurrent.ThreadFactory daemon(String prefix, AtomicInteger n) {
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
