package dev.sundial.engine.shard;

import dev.sundial.engine.cluster.Partitions;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.MutableStateCodec;
import dev.sundial.engine.visibility.SearchAttributeRegistry;
import dev.sundial.engine.visibility.VisibilityRecords;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.ExecutionStore;
import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.GroupCommitter;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A shard: the single-threaded owner of the executions that hash to it. Operations run one at a
 * time on its mailbox against cached mutable states; each produces a WriteSet that goes to the
 * group committer. The mailbox does not wait for the commit (so many operations share one
 * transaction); the cached state already reflects the pending write, and a failed commit evicts
 * it so the next operation reloads what is really stored.
 */
public final class Shard {
  final int id;
  volatile long rangeId;
  final TaskIds taskIds;
  private final int shardCount;
  private final ExecutionStore store;
  private final GroupCommitter committer;
  private final Clock clock;
  private final SerialExecutor mailbox;
  private final StateCache cache;
  private final Map<WorkflowKey, CurrentExecution> currentCache;
  private final CommitListener listener;
  private volatile SearchAttributeRegistry searchAttributeTypes;
  /** Namespace id to its retention in millis (0: keep closed runs); set by the engine. */
  private volatile ToLongFunction<String> retention = ns -> 0;

  /** Told about every committed WriteSet, on the committer thread, before callers are answered. */
  public interface CommitListener {
    void committed(
        Shard shard,
        List<CommittedRun> runs,
        List<QueueTask> queueTasks,
        List<TimerTask> timers);
  }

  /**
   * What a committed write did to one run (for history long polls and similar watchers, and the
   * workflow metrics: its type, queue, status and times after the write).
   */
  public record CommittedRun(
      String namespaceId,
      String workflowId,
      String runId,
      long nextEventId,
      boolean running,
      List<HistoryEvent> events,
      String workflowType,
      String taskQueue,
      WorkflowExecutionStatus status,
      long startTime,
      long closeTime) {}

  /**
   * Mutable states cached by all shards together, about 4 KB each: at most a sixteenth of the
   * maximum heap (16,384 states, ~64 MB, from a 1 GB heap up; at least 1,024).
   */
  public static final int CACHED_STATES_TOTAL =
      (int) Math.max(1_024, Math.min(16_384, Runtime.getRuntime().maxMemory() / 16 / 4_096));

  /**
   * Per-shard LRU size: a share of {@link #CACHED_STATES_TOTAL}, so the cache stays bounded
   * however many workflows are open (evicted states are reloaded from the store when needed).
   */
  public static int defaultCacheSize(int shardCount) {
    return Math.max(256, CACHED_STATES_TOTAL / Math.max(1, shardCount));
  }

  /**
   * Per-shard bound on the stored size of the cached states: a share of an eighth of the maximum
   * heap, so runs with large inputs or memos are evicted by weight long before the count bound.
   */
  static long defaultCacheBytes(int shardCount) {
    return Runtime.getRuntime().maxMemory() / 8 / Math.max(1, shardCount);
  }

  public Shard(
      int id,
      long rangeId,
      ExecutionStore store,
      GroupCommitter committer,
      Clock clock,
      Executor pool,
      TaskIds taskIds,
      int shardCount,
      int cacheSize,
      CommitListener listener) {
    this.id = id;
    this.rangeId = rangeId;
    this.store = store;
    this.committer = committer;
    this.clock = clock;
    this.mailbox = new SerialExecutor(pool);
    this.taskIds = taskIds;
    this.shardCount = shardCount;
    this.listener = listener;
    this.cache = new StateCache(cacheSize, defaultCacheBytes(shardCount));
    this.currentCache =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<WorkflowKey, CurrentExecution> e) {
            return size() > cacheSize;
          }
        };
  }

  public int id() {
    return id;
  }

  public long rangeId() {
    return rangeId;
  }

  int partitionOf(String namespaceId, String taskQueue) {
    return Partitions.partitionOf(namespaceId, taskQueue, shardCount);
  }

  /**
   * Completes once every operation submitted so far has run and its writes are committed (or
   * failed): used before giving the shard up. The fence write only checks the range id.
   */
  public CompletableFuture<Void> drain() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    mailbox.execute(() -> committer
        .submitAll(List.of(ExecutionWrite.builder(id, rangeId).build()))
        .whenComplete((ok, err) -> done.complete(null)));
    return done;
  }

  /**
   * Runs on every run an operation changed, after the operation and before its writes are built:
   * the place for rules that hold whatever the operation was (the history limits).
   */
  private BiConsumer<ShardTxn, MutableState> beforeCommit = (t, s) -> { };

  public void setBeforeCommit(BiConsumer<ShardTxn, MutableState> hook) {
    this.beforeCommit = hook;
  }

  /** How the shard learns a namespace's retention when one of its runs closes. */
  public void setRetentionLookup(ToLongFunction<String> lookup) {
    this.retention = lookup;
  }

  /** The registered search attribute types, by which visibility rows are typed (null: as sent). */
  public void setSearchAttributeTypes(SearchAttributeRegistry types) {
    this.searchAttributeTypes = types;
  }

  long retentionMillis(String namespaceId) {
    return retention.applyAsLong(namespaceId);
  }

  /**
   * Runs {@code op} on the shard's mailbox and completes with its result after its writes are
   * committed. An exception from the op completes the future exceptionally and writes nothing.
   */
  public <R> CompletableFuture<R> execute(Function<ShardTxn, R> op) {
    CompletableFuture<R> result = new CompletableFuture<>();
    // The transaction logs in the caller's logging context (the request or task it serves).
    Map<String, String> mdc = MDC.getCopyOfContextMap();
    mailbox.execute(() -> {
      if (mdc == null) {
        run(op, result);
        return;
      }
      MDC.setContextMap(mdc);
      try {
        run(op, result);
      } finally {
        MDC.clear();
      }
    });
    return result;
  }

  private <R> void run(Function<ShardTxn, R> op, CompletableFuture<R> result) {
    ShardTxn txn = new ShardTxn(this, clock.millis());
    R value;
    try {
      value = op.apply(txn);
      for (MutableState s : List.copyOf(txn.touched.values())) {
        if (s.dirty || txn.created.contains(s)) beforeCommit.accept(txn, s);
      }
    } catch (Throwable t) {
      evict(txn);
      runActions(txn.onRollback, "rollback");
      result.completeExceptionally(t);
      return;
    }
    if (!txn.hasWrites()) {
      runActions(txn.afterCommit, "after-commit");
      result.complete(value);
      return;
    }
    List<ExecutionWrite> writes;
    List<MutableState> written = new ArrayList<>();
    try {
      writes = buildWrites(txn, written);
    } catch (Throwable t) {
      evict(txn);
      runActions(txn.onRollback, "rollback");
      result.completeExceptionally(t);
      return;
    }
    // Optimistically advance the cached states: the next op on this mailbox sees them.
    for (MutableState s : written) {
      s.dbVersion++;
      s.dirty = false;
      cache.put(new RunKey(s.namespaceId, s.workflowId, s.runId), s);
    }
    txn.currentChanges.forEach((k, c) -> currentCache.put(k, c.current()));
    List<CommittedRun> committedRuns = new ArrayList<>();
    for (MutableState s : written) {
      committedRuns.add(
          new CommittedRun(
              s.namespaceId, s.workflowId, s.runId, s.nextEventId, s.isRunning(),
              List.copyOf(s.newEvents), s.workflowType(), s.taskQueue(), s.status, s.startTime,
              s.closeTime));
      s.newEvents.clear();
    }
    committer
        .submitAll(writes)
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                mailbox.execute(
                    () -> {
                      for (MutableState s : written) {
                        cache.remove(new RunKey(s.namespaceId, s.workflowId, s.runId));
                      }
                      txn.currentChanges.keySet().forEach(currentCache::remove);
                    });
                runActions(txn.onRollback, "rollback");
                result.completeExceptionally(err);
                return;
              }
              listener.committed(this, committedRuns, txn.queueTasksToAdd, txn.timersToAdd);
              for (Runnable r : txn.afterCommit) {
                try {
                  r.run();
                } catch (Throwable t) {
                  LoggerFactory.getLogger(Shard.class).error("after-commit action", t);
                }
              }
              result.complete(value);
            });
  }

  private static void runActions(List<Runnable> actions, String what) {
    for (Runnable r : actions) {
      try {
        r.run();
      } catch (Throwable t) {
        LoggerFactory.getLogger(Shard.class).error(what + " action", t);
      }
    }
  }

  private List<ExecutionWrite> buildWrites(ShardTxn txn, List<MutableState> written) {
    List<ExecutionWrite> writes = new ArrayList<>();
    boolean outboxAttached = false;
    Map<WorkflowKey, ShardTxn.CurrentChange> currents = new LinkedHashMap<>(txn.currentChanges);
    for (MutableState s : txn.touched.values()) {
      boolean isNew = txn.created.contains(s);
      if (!s.dirty && !isNew) {
        continue;
      }
      written.add(s);
      List<HistoryBatch> history = List.of();
      if (!s.newEvents.isEmpty()) {
        History h = History.newBuilder().addAllEvents(s.newEvents).build();
        history =
            List.of(
                new HistoryBatch(
                    s.namespaceId,
                    s.runId,
                    s.newEvents.get(0).getEventId(),
                    s.newEvents.get(s.newEvents.size() - 1).getEventId(),
                    h.toByteArray()));
      }
      long expected = isNew ? 0 : s.dbVersion;
      ExecutionRecord rec =
          new ExecutionRecord(
              s.namespaceId,
              s.workflowId,
              s.runId,
              id,
              expected + 1,
              s.isRunning(),
              s.nextEventId,
              encoded(s));
      ShardTxn.CurrentChange cc = currents.remove(new WorkflowKey(s.namespaceId, s.workflowId));
      boolean attach = !outboxAttached;
      outboxAttached = true;
      int stamp = s.visibilityStamp();
      boolean visibilityChanged = isNew || stamp != s.writtenVisibilityStamp;
      if (visibilityChanged) {
        s.writtenVisibilityStamp = stamp; // a failed commit evicts the state, resetting this
      }
      ExecutionWrite.Builder w = ExecutionWrite.builder(id, rangeId)
          .execution(rec, expected)
          .history(history);
      if (cc != null) {
        current(w, cc);
      }
      if (attach) {
        outbox(w, txn);
      }
      if (visibilityChanged) {
        w.visibility(VisibilityRecords.of(s, expected + 1, searchAttributeTypes));
      }
      writes.add(w.build());
    }
    for (ShardTxn.CurrentChange cc : currents.values()) {
      writes.add(current(ExecutionWrite.builder(id, rangeId), cc).build());
    }
    if (!outboxAttached) {
      writes.add(outbox(ExecutionWrite.builder(id, rangeId), txn).build());
    }
    return writes;
  }

  private static ExecutionWrite.Builder current(ExecutionWrite.Builder w, ShardTxn.CurrentChange cc) {
    w.current(cc.current(), cc.expectedRunId());
    return cc.mustBeAbsent() ? w.currentMustBeAbsent() : w;
  }

  /** The transaction's outbox changes: timers and backlog rows added and deleted. */
  private static ExecutionWrite.Builder outbox(ExecutionWrite.Builder w, ShardTxn txn) {
    return w.addTimers(txn.timersToAdd).deleteTimers(txn.timersToDelete)
        .addQueueTasks(txn.queueTasksToAdd).deleteQueueTasks(txn.queueTasksToDelete);
  }

  /** The state's stored form; its size is what the state weighs in the cache. */
  private static byte[] encoded(MutableState s) {
    byte[] bytes = MutableStateCodec.encode(s);
    s.encodedBytes = bytes.length;
    return bytes;
  }

  /** Forgets states an operation may have half-changed; clean ones stay cached. */
  private void evict(ShardTxn txn) {
    txn.touched.forEach(
        (k, s) -> {
          if (s.dirty || !s.newEvents.isEmpty() || txn.created.contains(s)) {
            cache.remove(k);
          }
        });
    for (WorkflowKey k : txn.currentChanges.keySet()) {
      currentCache.remove(k);
    }
  }

  void forget(RunKey run, WorkflowKey workflow) {
    cache.remove(run);
    CurrentExecution c = currentCache.get(workflow);
    if (c != null && c.runId().equals(run.runId())) {
      currentCache.remove(workflow);
    }
  }

  MutableState loadState(RunKey key) {
    MutableState s = cache.get(key);
    if (s != null) {
      return s;
    }
    ExecutionRecord rec =
        store.getExecution(key.namespaceId(), key.workflowId(), key.runId()).orElse(null);
    if (rec == null) {
      return null;
    }
    s = MutableStateCodec.decode(rec.state(), rec.dbVersion());
    s.encodedBytes = rec.state().length;
    cache.put(key, s);
    return s;
  }

  CurrentExecution loadCurrent(WorkflowKey key) {
    CurrentExecution c = currentCache.get(key);
    if (c != null) {
      return c;
    }
    c = store.getCurrentExecution(key.namespaceId(), key.workflowId()).orElse(null);
    if (c != null) {
      currentCache.put(key, c);
    }
    return c;
  }
}
