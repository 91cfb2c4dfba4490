package dev.sundial.engine.schedule;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.cluster.ShardMap;
import dev.sundial.engine.history.HistoryWatchers;
import dev.sundial.engine.history.RunStates;
import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.schedule.spec.CompiledSpec;
import dev.sundial.engine.schedule.spec.ScheduleSpecs;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.Durations;
import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.schedule.ScheduleRecord;
import dev.sundial.persistence.schedule.ScheduleStore;
import dev.sundial.persistence.schedule.ScheduleWakeup;
import io.temporal.api.schedule.v1.BackfillRequest;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.SchedulePatch;
import io.temporal.api.workflowservice.v1.CreateScheduleRequest;
import io.temporal.api.workflowservice.v1.CreateScheduleResponse;
import io.temporal.api.workflowservice.v1.DescribeScheduleResponse;
import io.temporal.api.workflowservice.v1.ListScheduleMatchingTimesResponse;
import io.temporal.api.workflowservice.v1.ListSchedulesResponse;
import io.temporal.api.workflowservice.v1.UpdateScheduleRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporal schedules on the engine. A schedule is a row of the schedules table (see
 * {@link ScheduleStore}) whose next_wakeup column is its durable timer. Every operation on a
 * schedule, and every wake-up, runs as a <em>pass</em> on that schedule's actor: load the row,
 * look at the workflows it started (are they still running?), handle the spec times that came due
 * ({@link ScheduleLogic#advance}), apply the caller's change, take the actions the overlap policy
 * allows (starting workflows through the engine), and write the row back with its next wake-up.
 *
 * <p>Workflows are started before the row is written. Scheduled starts carry request ids derived
 * from the schedule and the nominal time (manual ones, ids stored with the trigger or backfill),
 * so a pass repeated after a crash finds the runs it already started instead of starting them
 * again.
 */
public final class ScheduleService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
  private static final long RETRY_MILLIS = 1000;
  static final int DEFAULT_PAGE_SIZE = 1000;
  static final int MAX_MATCHING_TIMES = 1000;

  /** A schedule's identity. */
  public record Key(String namespaceId, String scheduleId) {}

  private final ShardMap shards;
  private final Store store;
  private final ScheduleStore schedules;
  private final HistoryWatchers watchers;
  private final BiFunction<String, String, Shard> shardFor;
  private final Clock clock;
  private final ExecutorService pool;
  private final KeyedActors<Key> actors;
  private final WakeupQueue<Key> wakeups;
  private final RunStatusReader runs;
  private final Set<Key> wakePending = ConcurrentHashMap.newKeySet();
  private final ScheduleActions actions;
  private final Map<Key, List<Watch>> watches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Watch(RunKey run, CompletableFuture<Void> future) {}

  private final EngineMetrics metrics;
  private final NamespaceRegistry namespaces;

  public ScheduleService(
      Clock clock, ShardMap shards, RunRouter runRouter, RunStates states,
      NamespaceRegistry namespaces, Store store, HistoryWatchers watchers,
      BiFunction<String, String, Shard> shardFor, EngineMetrics metrics) {
    this.metrics = metrics;
    this.namespaces = namespaces;
    this.shards = shards;
    this.store = store;
    this.schedules = schedulesOf(store);
    this.watchers = watchers;
    this.shardFor = shardFor;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "sundial-schedule-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.actors = new KeyedActors<>(pool);
    this.wakeups = new WakeupQueue<>(clock, this::wake, "sundial-schedule-timer");
    this.runs = new RunStatusReader(states, store);
    this.actions = new ScheduleActions(runRouter, namespaces, clock, runs);
  }

  /** What a pass did, once its state is written: actions taken, times missed, starts dropped. */
  private void countPass(Key key, long actions, long missed, long dropped) {
    if (actions == 0 && missed == 0 && dropped == 0) {
      return;
    }
    String namespace = namespaces.nameOf(key.namespaceId());
    for (long i = 0; i < actions; i++) metrics.scheduleActionSucceeded(namespace);
    for (long i = 0; i < missed; i++) metrics.scheduleMissedCatchupWindow(namespace);
    for (long i = 0; i < dropped; i++) metrics.scheduleBufferOverrun(namespace);
  }

  private static ScheduleStore schedulesOf(Store store) {
    try {
      return store.schedules();
    } catch (UnsupportedOperationException e) {
      return null; // a store without schedules: the RPCs answer UNAVAILABLE
    }
  }

  private ScheduleStore schedules() {
    if (schedules == null) {
      throw EngineException.unavailable("schedules are not supported by this store");
    }
    return schedules;
  }

  /** Re-arms every stored wake-up (overdue ones fire at once) and starts the timer. */
  public void start() {
    if (schedules == null) {
      return;
    }
    int armed = armOwned(shard -> true);
    wakeups.start();
    log.info("recovered {} schedule wake-ups", armed);
  }

  /** Arms the stored wake-ups of schedules whose shard this node serves and that pass filter. */
  private int armOwned(IntPredicate shardFilter) {
    int armed = 0;
    for (ScheduleWakeup w : schedules.scheduleWakeups(Long.MAX_VALUE, Integer.MAX_VALUE)) {
      int shard = shards.shardIndex(w.namespaceId(), w.scheduleId());
      if (shards.ownsShard(shard) && shardFilter.test(shard)) {
        wakeups.arm(new Key(w.namespaceId(), w.scheduleId()), w.wakeupMillis());
        armed++;
      }
    }
    return armed;
  }

  /** Cluster: this node now serves the shard; its schedules wake here. */
  public void shardAcquired(int shardId) {
    if (schedules != null) {
      armOwned(shard -> shard == shardId);
    }
  }

  /** Cluster: the shard moved away; its schedules wake on the new owner. */
  public void shardLost(int shardId) {
    wakeups.disarmIf(k -> shards.shardIndex(k.namespaceId(), k.scheduleId()) == shardId);
  }

  // ------------------------------------------------------------------ API

  public CompletableFuture<CreateScheduleResponse> create(String namespaceId, CreateScheduleRequest req) {
    Key key = new Key(namespaceId, req.getScheduleId());
    return actors.submit(key, () -> {
      ScheduleRecord existing = schedules().getSchedule(namespaceId, req.getScheduleId()).orElse(null);
      if (existing != null) {
        ScheduleState old = ScheduleStateCodec.decode(existing.state(), existing.version());
        if (!req.getRequestId().isEmpty() && req.getRequestId().equals(old.createRequestId)) {
          return CreateScheduleResponse.newBuilder() // a retried create
              .setConflictToken(ScheduleViews.conflictToken(old.conflictToken)).build();
        }
        throw alreadyExists(req.getScheduleId());
      }
      long now = clock.millis();
      ScheduleState s = new ScheduleState();
      s.namespaceId = namespaceId;
      s.scheduleId = req.getScheduleId();
      s.incarnation = UUID.randomUUID().toString();
      s.createRequestId = req.getRequestId();
      s.schedule = canonical(req.getSchedule());
      if (req.hasMemo()) s.memo = req.getMemo();
      if (req.hasSearchAttributes()) s.searchAttributes = req.getSearchAttributes();
      s.createTime = now;
      s.lastProcessedMillis = now;
      CompiledSpec spec = compile(s);
      if (req.hasInitialPatch()) {
        applyPatch(s, req.getInitialPatch(), now);
      }
      long wake = ScheduleLogic.nextWakeup(s, spec, now);
      Shard shard = shardFor.apply(namespaceId, s.scheduleId);
      try {
        schedules().writeSchedule(shard.rangeId(), new ScheduleRecord(namespaceId, s.scheduleId,
            shard.id(), 1, stored(wake), ScheduleStateCodec.encode(s)), 0);
      } catch (ConflictException e) {
        throw alreadyExists(req.getScheduleId());
      }
      wakeups.arm(key, wake);
      return CreateScheduleResponse.newBuilder()
          .setConflictToken(ScheduleViews.conflictToken(s.conflictToken)).build();
    });
  }

  public CompletableFuture<DescribeScheduleResponse> describe(String namespaceId, String scheduleId) {
    Key key = new Key(namespaceId, scheduleId);
    return actors.submit(key, () -> {
      Pass p = pass(key, null);
      return ScheduleViews.describe(p.state(), p.spec());
    });
  }

  public CompletableFuture<Void> update(String namespaceId, UpdateScheduleRequest req) {
    Key key = new Key(namespaceId, req.getScheduleId());
    Schedule schedule = canonical(req.getSchedule()); // bad specs fail before anything runs
    return actors.submit(key, () -> {
      pass(key, s -> {
        Long token = ScheduleViews.conflictToken(req.getConflictToken());
        if (token != null && token != s.conflictToken) {
          throw new EngineException(EngineException.Code.FAILED_PRECONDITION,
              "mismatched conflict token: the schedule changed since it was described");
        }
        s.schedule = schedule;
        if (req.hasSearchAttributes()) {
          s.searchAttributes = req.getSearchAttributes();
        }
        s.updateTime = clock.millis();
        s.conflictToken++;
      });
      return null;
    });
  }

  public CompletableFuture<Void> patch(String namespaceId, String scheduleId, SchedulePatch patch) {
    Key key = new Key(namespaceId, scheduleId);
    return actors.submit(key, () -> {
      pass(key, s -> applyPatch(s, patch, clock.millis()));
      return null;
    });
  }

  public CompletableFuture<Void> delete(String namespaceId, String scheduleId) {
    Key key = new Key(namespaceId, scheduleId);
    return actors.submit(key, () -> {
      ScheduleRecord rec = load(key);
      Shard shard = shardFor.apply(namespaceId, scheduleId);
      try {
        schedules().deleteSchedule(shard.id(), shard.rangeId(), namespaceId, scheduleId, rec.version());
      } catch (ConflictException e) {
        throw EngineException.unavailable("schedule changed concurrently, please retry: " + e.getMessage());
      }
      wakeups.disarm(key);
      forgetWatches(key);
      return null;
    });
  }

  /** A page of schedules ordered by id; the token is the last id of the previous page. */
  public CompletableFuture<ListSchedulesResponse> list(
      String namespaceId, int pageSize, ByteString pageToken, String query) {
    Predicate<ScheduleState> filter;
    try {
      filter = ScheduleQuery.parse(query);
    } catch (IllegalArgumentException e) {
      throw EngineException.invalidArgument("Invalid query: " + e.getMessage());
    }
    int size = pageSize <= 0 || pageSize > DEFAULT_PAGE_SIZE ? DEFAULT_PAGE_SIZE : pageSize;
    return CompletableFuture.supplyAsync(() -> {
      String after = pageToken.toStringUtf8();
      ListSchedulesResponse.Builder out = ListSchedulesResponse.newBuilder();
      boolean more = false;
      fill:
      while (true) {
        List<ScheduleRecord> page = schedules().listSchedules(namespaceId, after, size);
        for (int i = 0; i < page.size(); i++) {
          ScheduleRecord r = page.get(i);
          after = r.scheduleId();
          ScheduleState s = ScheduleStateCodec.decode(r.state(), r.version());
          if (filter.test(s)) {
            out.addSchedules(ScheduleViews.listEntry(s, compileQuietly(s)));
            if (out.getSchedulesCount() == size) {
              more = i < page.size() - 1 || page.size() == size;
              break fill;
            }
          }
        }
        if (page.size() < size) {
          break;
        }
      }
      if (more) {
        out.setNextPageToken(ByteString.copyFrom(after, StandardCharsets.UTF_8));
      }
      return out.build();
    }, pool);
  }

  /** The action times (after jitter) in (start, end], at most 1000. */
  public CompletableFuture<ListScheduleMatchingTimesResponse> matchingTimes(
      String namespaceId, String scheduleId, long startMillis, long endMillis) {
    return CompletableFuture.supplyAsync(() -> {
      ScheduleRecord rec = load(new Key(namespaceId, scheduleId));
      ScheduleState s = ScheduleStateCodec.decode(rec.state(), rec.version());
      CompiledSpec spec = compile(s);
      ListScheduleMatchingTimesResponse.Builder out = ListScheduleMatchingTimesResponse.newBuilder();
      for (long t : spec.times(ScheduleLogic.jitterSeed(s), startMillis, endMillis, MAX_MATCHING_TIMES)) {
        out.addStartTime(ScheduleLogic.timestamp(t));
      }
      return out.build();
    }, pool);
  }

  // ------------------------------------------------------------------ passes

  private record Pass(ScheduleState state, CompiledSpec spec) {}

  /** Wake-up or change notification: run a pass (coalesced: one queued pass per schedule). */
  private void wake(Key key) {
    if (closed || !wakePending.add(key)) {
      return;
    }
    actors.submit(key, () -> {
      wakePending.remove(key);
      return closed ? null : pass(key, null);
    }).whenComplete((r, e) -> {
      if (e == null || closed) {
        return;
      }
      Throwable cause = e instanceof CompletionException && e.getCause() != null
          ? e.getCause() : e;
      if (cause instanceof EngineException ee && ee.code() == EngineException.Code.NOT_FOUND) {
        return; // deleted meanwhile
      }
      if (!shards.ownsShard(shards.shardIndex(key.namespaceId(), key.scheduleId()))) {
        return; // the schedule's shard moved: its new owner wakes it
      }
      log.warn("schedule {} pass failed, retrying in {} ms: {}", key, RETRY_MILLIS, cause.toString());
      wakeups.arm(key, clock.millis() + RETRY_MILLIS);
    });
  }

  /**
   * One pass over a schedule (see the class comment). {@code change} is applied after due times
   * are handled with the schedule as it was, so a change never rewrites the past: times that
   * elapsed while paused stay skipped after an unpause, an updated spec starts from now.
   */
  private Pass pass(Key key, Consumer<ScheduleState> change) {
    ScheduleRecord rec = load(key);
    ScheduleState s = ScheduleStateCodec.decode(rec.state(), rec.version());
    CompiledSpec spec = compile(s);
    long now = clock.millis();
    Map<String, String> currentRuns = runs.refresh(s);
    long actionsBefore = s.actionCount;
    long missedBefore = s.missedCatchupWindow;
    long droppedBefore = s.bufferDropped;
    ScheduleLogic.advance(s, spec, now);
    if (change != null) {
      change.accept(s);
      spec = compile(s);
    }
    actions.act(s, spec, currentRuns);
    now = clock.millis();
    long wake = ScheduleLogic.nextWakeup(s, spec, now);
    byte[] after = ScheduleStateCodec.encode(s);
    if (!Arrays.equals(after, rec.state()) || rec.nextWakeupMillis() != stored(wake)) {
      Shard shard = shardFor.apply(key.namespaceId(), key.scheduleId());
      try {
        schedules().writeSchedule(shard.rangeId(), new ScheduleRecord(key.namespaceId(),
            key.scheduleId(), shard.id(), rec.version() + 1, stored(wake), after), rec.version());
      } catch (ConflictException e) {
        throw EngineException.unavailable("schedule changed concurrently, please retry: " + e.getMessage());
      }
      s.version = rec.version() + 1;
    }
    countPass(key, s.actionCount - actionsBefore, s.missedCatchupWindow - missedBefore,
        s.bufferDropped - droppedBefore);
    wakeups.arm(key, wake);
    watch(key, s, currentRuns);
    return new Pass(s, spec);
  }

  /**
   * Watches the running workflows while starts wait for them (or a failure must pause the
   * schedule), so the next pass runs as soon as one of them changes.
   */
  private void watch(Key key, ScheduleState s, Map<String, String> currentRuns) {
    forgetWatches(key);
    boolean needed = !s.buffer.isEmpty() || s.schedule.getPolicies().getPauseOnFailure();
    if (!needed || s.running.isEmpty() || closed) {
      return;
    }
    List<Watch> list = new ArrayList<>();
    for (var ex : s.running) {
      String run = currentRuns.get(ex.getWorkflowId());
      if (run == null) continue;
      RunKey rk = new RunKey(s.namespaceId, ex.getWorkflowId(), run);
      CompletableFuture<Void> f = watchers.watch(rk);
      list.add(new Watch(rk, f));
      f.thenRun(() -> wake(key));
    }
    watches.put(key, list);
  }

  private void forgetWatches(Key key) {
    List<Watch> old = watches.remove(key);
    if (old != null) {
      for (Watch w : old) watchers.forget(w.run(), w.future());
    }
  }

  // ------------------------------------------------------------------ helpers

  private void applyPatch(ScheduleState s, SchedulePatch p, long now) {
    if (p.hasTriggerImmediately()) {
      var t = p.getTriggerImmediately();
      long at = t.hasScheduledTime() ? Durations.toMillis(t.getScheduledTime()) : now;
      ScheduleLogic.addStart(s, new ScheduleState.BufferedStart(
          at, at, t.getOverlapPolicyValue(), true, UUID.randomUUID().toString()));
    }
    CompiledSpec spec = p.getBackfillRequestCount() == 0 ? null : compile(s);
    for (BackfillRequest b : p.getBackfillRequestList()) {
      ScheduleLogic.checkBackfill(s, spec, Durations.toMillis(b.getStartTime()),
          Durations.toMillis(b.getEndTime()));
    }
    for (BackfillRequest b : p.getBackfillRequestList()) {
      if (s.backfills.size() >= ScheduleLogic.MAX_BUFFER) {
        s.bufferDropped++;
        continue;
      }
      // The start time is inclusive: begin the search just before it.
      s.backfills.add(new ScheduleState.Backfill(UUID.randomUUID().toString(),
          Durations.toMillis(b.getStartTime()) - 1, Durations.toMillis(b.getEndTime()),
          b.getOverlapPolicyValue()));
    }
    var st = s.schedule.getState().toBuilder();
    boolean changed = false;
    if (!p.getPause().isEmpty()) {
      st.setPaused(true).setNotes(p.getPause());
      changed = true;
    }
    if (!p.getUnpause().isEmpty()) {
      st.setPaused(false).setNotes(p.getUnpause());
      changed = true;
    }
    if (changed) {
      s.schedule = s.schedule.toBuilder().setState(st).build();
      s.conflictToken++;
    }
  }

  /** The schedule as stored: canonical spec, policy defaults filled in. */
  static Schedule canonical(Schedule schedule) {
    try {
      return ScheduleLogic.withDefaults(
          schedule.toBuilder().setSpec(ScheduleSpecs.canonicalize(schedule.getSpec())).build());
    } catch (IllegalArgumentException e) {
      throw EngineException.invalidArgument("Invalid schedule spec: " + e.getMessage());
    }
  }

  private static CompiledSpec compile(ScheduleState s) {
    try {
      return ScheduleSpecs.compile(s.schedule.getSpec());
    } catch (IllegalArgumentException e) {
      throw EngineException.invalidArgument("Invalid schedule spec: " + e.getMessage());
    }
  }

  private static CompiledSpec compileQuietly(ScheduleState s) {
    try {
      return ScheduleSpecs.compile(s.schedule.getSpec());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private ScheduleRecord load(Key key) {
    return schedules().getSchedule(key.namespaceId(), key.scheduleId())
        .orElseThrow(() -> EngineException.notFound(
            "schedule \"" + key.scheduleId() + "\" not found"));
  }

  private static EngineException alreadyExists(String scheduleId) {
    return new EngineException(EngineException.Code.ALREADY_EXISTS,
        "schedule \"" + scheduleId + "\" already exists");
  }

  private static long stored(long wake) {
    return wake == Long.MAX_VALUE ? ScheduleRecord.NO_WAKEUP : wake;
  }

  /** For tests: the armed in-memory wake-up of a schedule, or null. */
  Long armedWakeup(String namespaceId, String scheduleId) {
    return wakeups.armedAt(new Key(namespaceId, scheduleId));
  }

  @Override
  public void close() {
    closed = true;
    wakeups.close();
    for (Key k : List.copyOf(watches.keySet())) forgetWatches(k);
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
