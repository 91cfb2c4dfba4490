package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.batch.BatchService;
import dev.sundial.engine.cluster.ClusterLink;
import dev.sundial.engine.cluster.InternalCalls;
import dev.sundial.engine.cluster.Ownership;
import dev.sundial.engine.cluster.Partitions;
import dev.sundial.engine.cluster.Remote;
import dev.sundial.engine.cluster.RunOperations;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.cluster.ShardMap;
import dev.sundial.engine.execution.WorkflowService;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.HistoryReads;
import dev.sundial.engine.history.HistoryWatchers;
import dev.sundial.engine.history.RecentEvents;
import dev.sundial.engine.history.reset.ResetService;
import dev.sundial.engine.history.update.UpdateRegistry;
import dev.sundial.engine.history.update.UpdateService;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflow.WorkflowEvents;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.matching.TaskQueueDescriber;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueues;
import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.engine.metrics.Meters;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.query.QueryService;
import dev.sundial.engine.schedule.ScheduleService;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.TaskIds;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerQueue;
import dev.sundial.engine.transfer.TransferProcessor;
import dev.sundial.engine.visibility.SearchAttributeRegistry;
import dev.sundial.engine.visibility.Visibility;
import dev.sundial.engine.worker.ActivityTaskService;
import dev.sundial.engine.worker.TaskPoller;
import dev.sundial.engine.worker.WorkflowTaskService;
import dev.sundial.persistence.GroupCommitter;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.TimerTask;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the history engine together: shards over the store and group committer, matching, the
 * timer queue and history watchers; recovers outbox tasks at start; routes committed outbox
 * entries to matching and timers.
 */
public final class Engine implements ShardMap, RunRouter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  final Store store;
  final GroupCommitter committer;
  final Clock clock;
  final int shardCount;
  final AtomicReferenceArray<Shard> shards;
  final TaskIds taskIds;
  /** Cluster mode only (null on a single node that owns every shard). */
  final Ownership ownership;
  final ClusterLink link;
  public final InternalCalls internal;
  final Remote remote;
  final LocalRunOperations local;
  final Matching matching;
  final TimerQueue timers;
  private final TimerTasks timerTasks;
  final HistoryWatchers watchers = new HistoryWatchers();
  public final EngineMetrics metrics;
  final RecentEvents recentEvents =
      new RecentEvents();
  final NamespaceRegistry namespaces;
  /** The cluster's task queues as the features see them (calls go to the serving node). */
  /** The cluster's task queues as the features see them (calls go to the serving node). */
  private final TaskQueues clusterQueues = new TaskQueues() {
    @Override
    public void offer(QueueTask task) {
      offerTask(task);
    }

    @Override
    public CompletableFuture<Boolean> hasRecentPoller(TaskQueueKey key, long sinceMillis) {
      return Engine.this.hasRecentPoller(key, sinceMillis);
    }

    @Override
    public boolean servesHere(TaskQueueKey key) {
      return servesQueue(key);
    }
  };

  final EngineContext ctx;
  /** In-flight workflow updates of all runs (see history.update). */
  final UpdateRegistry updateRegistry = new UpdateRegistry();
  final ScheduledExecutorService scheduler;
  final ExecutorService shardPool;
  final ExecutorService ioPool;

  public final WorkflowService workflows;
  public final WorkflowTaskService workflowTasks;
  public final ActivityTaskService activityTasks;
  final TaskPoller poller;
  public final HistoryReads history;
  public final ResetService resets;
  final TransferProcessor transfers;
  final RetentionDeleter retention;
  public final QueryService queries;
  public final UpdateService updates;
  public final Visibility visibility;
  public final ScheduleService schedules;
  public final BatchService batches;
  public final NamespaceDeletion namespaceDeletion;
  public final TaskQueueDescriber taskQueues;

  /** A single node owning every shard (SQLite, embedded). */
  public Engine(Store store, Clock clock, int shardCount, EngineContext.Limits limits) {
    this(store, clock, shardCount, limits, null);
  }

  /** Cluster membership of this node: its id, the address others reach it at, and the link. */
  public record ClusterConfig(
      String nodeId, String address, ClusterLink link,
      Ownership.Timing timing) {}

  public Engine(
      Store store, Clock clock, int shardCount, EngineContext.Limits limits, ClusterConfig cluster) {
    this(store, clock, shardCount, limits, cluster, Meters.none(), EngineMetrics.Limits.defaults());
  }

  /** As above, recording the engine's metrics (see EngineMetrics) in {@code meters}. */
  public Engine(
      Store store, Clock clock, int shardCount, EngineContext.Limits limits, ClusterConfig cluster,
      MeterRegistry meters, EngineMetrics.Limits metricLimits) {
    this.store = store;
    this.shardCount = shardCount;
    this.clock = clock;
    this.committer = new GroupCommitter(store, 256);
    this.namespaces = new NamespaceRegistry(store);
    namespaces.setShared(cluster != null);
    this.metrics = new EngineMetrics(meters, namespaces::nameOf, metricLimits);
    this.ctx =
        new EngineContext(
            namespaces, limits,
            new SearchAttributeRegistry(store.visibility()));
    this.visibility = new Visibility(store, ctx.searchAttributes);
    this.scheduler =
        Executors.newScheduledThreadPool(1, daemon("sundial-scheduler", new AtomicInteger()));
    this.shardPool =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            daemon("sundial-shard-", new AtomicInteger()));
    this.ioPool = Executors.newCachedThreadPool(daemon("sundial-io-", new AtomicInteger()));
    this.matching = new Matching(scheduler, metrics);
    metrics.backlogs(matching::backlogs);
    this.timers =
        new TimerQueue(
            clock, store::loadShardTimers, this::fire,
            TimerQueue.Config.defaults(shardCount));
    this.taskIds = new TaskIds(store);
    this.shards = new AtomicReferenceArray<>(shardCount);
    metrics.shardsOwned(this::ownedShards);
    this.link = cluster == null ? null : cluster.link();
    this.remote = new Remote(link, this::ownerAddress, this::shardIndex);
    this.local = new LocalRunOperations(this);
    this.internal = new InternalCalls(local, this, matching, this, shardCount);
    this.history =
        new HistoryReads(
            store, store, recentEvents, watchers, this::servesRun, scheduler, ioPool);
    this.resets =
        new ResetService(this::shardFor, history, ioPool, scheduler);
    this.transfers =
        new TransferProcessor(this::shardFor, this, history, history, namespaces);
    this.retention = new RetentionDeleter(this::shardFor, store, recentEvents);
    this.timerTasks =
        new TimerTasks(this::shardFor, this, timers, retention, transfers, ioPool, scheduler);
    this.queries =
        new QueryService(
            this::shardFor, history, history, watchers, matching, clusterQueues, namespaces,
            limits, clock, ioPool, scheduler);
    this.poller =
        new TaskPoller(this::shardFor, this, clusterQueues, matching, scheduler, metrics);
    this.workflowTasks =
        new WorkflowTaskService(
            this::shardFor, this, poller, queries, updateRegistry, ctx, history, ioPool);
    this.activityTasks =
        new ActivityTaskService(this::shardFor, this, poller, namespaces);
    this.workflows =
        new WorkflowService(this::shardFor, this, workflowTasks, store, recentEvents, ioPool);
    this.updates =
        new UpdateService(this::shardFor, updateRegistry, history, scheduler);
    this.schedules =
        new ScheduleService(
            clock, this, this, history, namespaces, store, watchers, this::shardFor, metrics);
    this.batches = new BatchService(clock, this, this, visibility, store);
    this.namespaceDeletion =
        new NamespaceDeletion(namespaces, batches, schedules);
    this.taskQueues = new TaskQueueDescriber(matching, this::partitionOwner);
    namespaces.ensure(NamespaceRegistry.DEFAULT);
    if (cluster == null) {
      this.ownership = null;
      String owner = "node-" + ProcessHandle.current().pid();
      long t0 = System.nanoTime();
      for (int i = 0; i < shardCount; i++) {
        acquired(i, store.acquireShard(i, owner));
      }
      log.info("loaded {} shards in {} ms", shardCount, (System.nanoTime() - t0) / 1_000_000);
      timers.start();
      schedules.start();
      batches.start();
    } else {
      timers.start();
      schedules.start();
      batches.start();
      this.ownership =
          new Ownership(
              store, clock, cluster.nodeId(), cluster.address(), shardCount, cluster.timing(),
              new Ownership.Listener() {
                @Override
                public void acquired(int shardId, long rangeId) {
                  Engine.this.acquired(shardId, rangeId);
                }

                @Override
                public void releasing(int shardId) {
                  Engine.this.released(shardId, true);
                }

                @Override
                public void lost(int shardId) {
                  Engine.this.released(shardId, false);
                }

                @Override
                public void renewed(int count) {
                  metrics.leasesRenewed(count);
                }

                @Override
                public void membershipChanged(Set<String> members) {
                  metrics.membershipChanged();
                }
              },
              scheduler);
    }
  }

  /**
   * Cluster: starts taking this node's share of the shards. Called once the node's gRPC port
   * listens, since the other nodes relay calls to a shard's owner as soon as it holds the lease.
   */
  public void joinCluster() {
    if (ownership == null) {
      throw new IllegalStateException("not a cluster engine");
    }
    ownership.start();
    scheduler.scheduleWithFixedDelay(this::sweepBacklog, 5, 5, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(this::refreshShared, 2, 2, TimeUnit.SECONDS);
  }

  /** Cluster: picks up namespaces and search attributes changed through other nodes. */
  private void refreshShared() {
    try {
      namespaces.refresh();
      ctx.searchAttributes.refresh();
    } catch (RuntimeException e) {
      log.warn("refreshing namespaces failed: {}", e.toString());
    }
  }

  /**
   * Whether a worker polls the queue now or polled it since the given time; a queue served by
   * another node is asked of that node. When that node cannot be asked (a failover), the queue
   * counts as polled: a query then waits rather than failing while workers may well be there.
   */
  CompletableFuture<Boolean> hasRecentPoller(
      TaskQueueKey key, long sinceMillis) {
    if (servesQueue(key)) {
      return CompletableFuture.completedFuture(matching.hasRecentPoller(key, sinceMillis));
    }
    return remote
        .hasRecentPoller(partitionOf(key.namespaceId(), key.name()), key.namespaceId(), key.name(),
            key.kind(), sinceMillis)
        .exceptionally(e -> true);
  }


  /** True when this node serves the queue's matching partition (always on a single node). */
  boolean servesQueue(TaskQueueKey key) {
    return ownership == null || ownsShard(partitionOf(key.namespaceId(), key.name()));
  }

  /** Cluster mode: this node's lease manager (null on a single node). */
  public Ownership ownership() {
    return ownership;
  }

  /** Cluster mode: how this node reaches the others (null on a single node). */
  public ClusterLink link() {
    return link;
  }

  /** True when this node serves the shard now. */
  @Override
  public boolean ownsShard(int shardId) {
    return shards.get(shardId) != null;
  }

  @Override
  public int shardIndex(String namespaceId, String workflowId) {
    return Partitions.shardOf(namespaceId, workflowId, shardCount);
  }

  public int partitionOf(String namespaceId, String taskQueue) {
    return Partitions.partitionOf(namespaceId, taskQueue, shardCount);
  }

  private int ownedShards() {
    int owned = 0;
    for (int i = 0; i < shards.length(); i++) {
      if (shards.get(i) != null) owned++;
    }
    return owned;
  }

  /** Starts serving a shard: its timers, the backlog of its matching partition, schedules, jobs. */
  private void acquired(int shardId, long rangeId) {
    Shard shard =
        new Shard(shardId, rangeId, store, committer, clock, shardPool, taskIds, shardCount,
            Shard.defaultCacheSize(shardCount),
            this::committed);
    shard.setRetentionLookup(namespaces::retentionMillis);
    shard.setSearchAttributeTypes(ctx.searchAttributes);
    // Temporal's history limits on every path that appends events (signals, updates, cancels,
    // activity results, timers...), not only on workflow task completion: a running workflow
    // whose history passes them is terminated in the same write.
    shard.setBeforeCommit(
        (txn, s) -> WorkflowClose.terminateIfOverHistoryLimit(
            ctx, txn, s));
    shards.set(shardId, shard);
    metrics.shardAcquired();
    // Only the timers due soon come into memory; the timer queue refills from the store later.
    int pending = timers.addShard(shardId);
    int queued = loadPartition(shardId);
    if (ownership != null) {
      schedules.shardAcquired(shardId);
      batches.shardAcquired(shardId);
    }
    log.debug("shard {}: {} timers due soon, {} queued tasks", shardId, pending, queued);
  }

  /** Loads the durable backlog of one matching partition into matching; returns how many. */
  private int loadPartition(int partition) {
    int[] queued = {0};
    forEachBacklogRow(partition, t -> {
      matching.add(t);
      queued[0]++;
    });
    return queued[0];
  }

  /** Every durable backlog row of a matching partition, read from the store in pages. */
  private void forEachBacklogRow(int partition, Consumer<QueueTask> action) {
    long after = 0;
    while (true) {
      List<QueueTask> page = store.loadPartitionQueueTasks(partition, after, 10_000);
      for (QueueTask t : page) {
        after = t.taskId();
        // A row from before partitions (-1) is returned for every partition: keep only ours.
        if (t.partitionId() >= 0 || partitionOf(t.namespaceId(), t.taskQueue()) == partition) {
          action.accept(t);
        }
      }
      if (page.size() < 10_000) return;
    }
  }

  /** Stops serving a shard (graceful: after its in-flight writes finished). */
  private void released(int shardId, boolean graceful) {
    Shard shard = shards.getAndSet(shardId, null);
    if (shard == null) {
      return;
    }
    metrics.shardReleased(!graceful);
    if (graceful) {
      try {
        shard.drain().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("shard {} did not drain within 5 s: {}", shardId, e.toString());
      }
    }
    timers.removeShard(shardId);
    watchers.wakeIf(k -> shardIndex(k.namespaceId(), k.workflowId()) == shardId);
    // Update callers waiting here get a retryable error and retry at the new owner.
    updateRegistry.clearIf(k -> shardIndex(k.namespaceId(), k.workflowId()) == shardId);
    matching.dropPartition(t -> partitionOf(t.namespaceId(), t.name()) == shardId);
    schedules.shardLost(shardId);
  }

  /**
   * Cluster safety net: re-offers backlog rows of owned partitions that matching does not hold
   * (e.g. a hand-off to this node failed while it was taking the partition over).
   */
  private void sweepBacklog() {
    try {
      long now = System.currentTimeMillis();
      for (int p = 0; p < shardCount; p++) {
        if (ownsShard(p)) {
          forEachBacklogRow(p, t -> matching.offerIfForgotten(t, now));
        }
      }
    } catch (RuntimeException e) {
      log.warn("backlog sweep failed: {}", e.toString());
    }
  }

  /**
   * Hands a task to the matching partition that serves its queue: here, or on the owning node
   * (best effort: the backlog row is durable and that node loads or sweeps it).
   */
  public void offerTask(QueueTask t) {
    int partition = partitionOf(t.namespaceId(), t.taskQueue());
    if (ownership == null || ownsShard(partition)) {
      matching.add(t);
    } else {
      remote.addTask(partition, t);
    }
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

  /** The local shard of the workflow; UNAVAILABLE when another node serves it (callers retry). */
  Shard shardFor(String namespaceId, String workflowId) {
    int index = shardIndex(namespaceId, workflowId);
    Shard s = shards.get(index);
    if (s == null) {
      throw EngineException.unavailable(
          "shard " + index + " of workflow " + workflowId + " is not served by this node"
              + " (ownership is moving); retry");
    }
    return s;
  }

  /**
   * Where the steps of a run execute: this node's shard, or (cluster mode) the node that owns it.
   * The one place the engine decides; the owner checks again when the step arrives.
   */
  @Override
  public RunOperations run(String namespaceId, String workflowId) {
    return servesRun(namespaceId, workflowId) ? local : remote;
  }

  /** The node serving a task queue's partition: null on a single node, "" while none does. */
  private String partitionOwner(String namespaceId, String taskQueue) {
    return ownership == null
        ? null
        : Objects.requireNonNullElse(ownership.ownerAddress(partitionOf(namespaceId, taskQueue)), "");
  }

  /** The address of the node that owns a shard; null on a single node or while none does. */
  private String ownerAddress(int shard) {
    return ownership == null ? null : ownership.ownerAddress(shard);
  }

  /** True when this node serves the workflow's shard (always on a single node). */
  boolean servesRun(String namespaceId, String workflowId) {
    return ownership == null || ownsShard(shardIndex(namespaceId, workflowId));
  }

  /** After a commit: hand new tasks to matching and timers to the timer queue, wake watchers. */
  private void committed(
      Shard shard, List<Shard.CommittedRun> runs, List<QueueTask> queueTasks, List<TimerTask> added) {
    for (TimerTask t : added) {
      timers.add(t);
    }
    for (QueueTask t : queueTasks) {
      metrics.internalRequest(t.kind() == QueueTask.KIND_ACTIVITY ? "AddActivityTask"
          : "AddWorkflowTask", "matching", t.namespaceId());
      if (matching.isUnloaded(new TaskQueueKey(t.namespaceId(), t.taskQueue(), t.kind()))) {
        moveOffStickyQueue(t);
      } else {
        offerTask(t);
      }
    }
    for (Shard.CommittedRun r : runs) {
      metrics.stateTransition();
      if (!r.running() && WorkflowEvents.closes(r.events())) {
        metrics.workflowClosed(r.namespaceId(), r.workflowType(), r.taskQueue(), r.status(),
            r.startTime(), r.closeTime());
      }
      recentEvents.committed(r.namespaceId(), r.runId(), r.events());
      watchers.changed(
          new RunKey(r.namespaceId(), r.workflowId(), r.runId()), r.nextEventId(), r.running());
      if (!r.running()) {
        updateRegistry.runClosed(new RunKey(r.namespaceId(), r.workflowId(), r.runId()));
      }
    }
  }

  /** ShutdownWorker from a worker instance: its polls end, and later ones are answered empty. */
  public void workerShutDown(String workerInstanceKey) {
    poller.workerShutDown(workerInstanceKey);
  }

  /** ShutdownWorker: the worker's sticky queue is gone; its waiting tasks go to normal queues. */
  public void stickyQueueShutDown(String namespaceId, String stickyQueue) {
    if (stickyQueue == null || stickyQueue.isEmpty()) {
      return;
    }
    var key = new TaskQueueKey(namespaceId, stickyQueue, QueueTask.KIND_WORKFLOW);
    matching.unload(key).forEach(this::moveOffStickyQueue);
  }

  void moveOffStickyQueue(QueueTask t) {
    run(t.namespaceId(), t.workflowId()).moveOffStickyQueue(t);
  }

  /** The sticky worker of the task's queue is gone: moves it to the normal queue, here. */
  void moveOffStickyQueueHere(QueueTask t) {
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

  /** A durable timer is due (see TimerTasks). */
  private void fire(TimerTask task) {
    metrics.timerFired(clock.millis() - task.fireAtMillis());
    timerTasks.fire(task);
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
    if (ownership != null) {
      ownership.close(); // hands every shard over while the committer still runs
    }
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

  static ThreadFactory daemon(String prefix, AtomicInteger n) {
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
