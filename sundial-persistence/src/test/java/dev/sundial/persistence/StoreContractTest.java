package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every {@link Store} must have; one subclass per implementation. */
public abstract class StoreContractTest {
  protected static final String NS = "ns-1";
  protected static final int SHARD = 3;

  @TempDir protected Path dir;
  protected Store store;
  protected long range;

  protected abstract Store newStore(Path dir);

  /** False for stores that lose their data on close (reopen tests are skipped). */
  protected boolean durable() {
    return true;
  }

  @BeforeEach
  void openStore() {
    store = newStore(dir);
    range = store.acquireShard(SHARD, "node-a");
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  // ---- helpers

  protected TestWrite write() {
    return new TestWrite(SHARD, range);
  }

  protected static ExecutionRecord exec(String wf, String run, long version, boolean running) {
    return new ExecutionRecord(NS, wf, run, SHARD, version, running, version * 10, bytes(run + version));
  }

  protected static CurrentExecution current(String wf, String run, boolean running) {
    return new CurrentExecution(NS, wf, run, running, "req-" + run);
  }

  protected static HistoryBatch batch(String run, long first, long last) {
    return new HistoryBatch(NS, run, first, last, bytes(run + ":" + first + "-" + last));
  }

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A new run: execution v1, current pointer that must be absent, first history batch. */
  protected ExecutionWrite start(String wf, String run) {
    return write().execution(exec(wf, run, 1, true), 0).current(current(wf, run, true), null)
        .currentMustBeAbsent().history(batch(run, 1, 3)).build();
  }

  protected ConflictException commitOne(ExecutionWrite w) {
    List<ConflictException> results = store.commit(List.of(w));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  protected void ok(ExecutionWrite w) {
    assertThat(commitOne(w)).isNull();
  }

  // ---- executions

  @Test
  void startStoresExecutionCurrentAndHistory() {
    ok(start("wf", "r1"));
    ExecutionRecord e = store.getExecution(NS, "wf", "r1").orElseThrow();
    assertThat(e).usingRecursiveComparison().isEqualTo(exec("wf", "r1", 1, true));
    assertThat(store.getCurrentExecution(NS, "wf")).contains(current("wf", "r1", true));
    assertThat(store.readHistory(NS, "r1", 1, 100)).singleElement()
        .usingRecursiveComparison().isEqualTo(batch("r1", 1, 3));
    assertThat(store.getExecution(NS, "wf", "other")).isEmpty();
    assertThat(store.getExecution("ns-2", "wf", "r1")).isEmpty();
    assertThat(store.getCurrentExecution(NS, "other")).isEmpty();
  }

  @Test
  void deleteExecutionRemovesStateHistoryAndCurrentPointer() {
    ok(start("wf", "r1"));
    ok(start("wf2", "r2"));
    store.deleteExecution(NS, "wf", "r1");
    assertThat(store.getExecution(NS, "wf", "r1")).isEmpty();
    assertThat(store.getCurrentExecution(NS, "wf")).isEmpty();
    assertThat(store.readHistory(NS, "r1", 1, 100)).isEmpty();
    // Other runs are untouched, and deleting again is harmless.
    assertThat(store.getExecution(NS, "wf2", "r2")).isPresent();
    assertThat(store.readHistory(NS, "r2", 1, 100)).isNotEmpty();
    store.deleteExecution(NS, "wf", "r1");
  }

  @Test
  void emptyBatchCommitsNothing() {
    assertThat(store.commit(List.of())).isEmpty();
  }

  @Test
  void insertOfExistingRunConflicts() {
    ok(start("wf", "r1"));
    ConflictException c = commitOne(write().execution(exec("wf", "r1", 1, false), 0).build());
    assertThat(c).hasMessageContaining("already exists");
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().running()).isTrue();
  }

  @Test
  void updateRequiresTheStoredVersion() {
    ok(start("wf", "r1"));
    ok(write().execution(exec("wf", "r1", 2, true), 1).build());
    ConflictException stale = commitOne(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(stale).hasMessageContaining("has db version 2, expected 1");
    ExecutionRecord e = store.getExecution(NS, "wf", "r1").orElseThrow();
    assertThat(e.dbVersion()).isEqualTo(2);
    assertThat(e.running()).isTrue();
    assertThat(e.state()).isEqualTo(bytes("r12"));
  }

  @Test
  void updateOfMissingRunConflicts() {
    assertThat(commitOne(write().execution(exec("wf", "nope", 5, true), 4).build()))
        .hasMessageContaining("does not exist");
    assertThat(store.getExecution(NS, "wf", "nope")).isEmpty();
  }

  @Test
  void malformedWriteFailsTheCallBeforeAnythingIsWritten() {
    ExecutionWrite good = start("wf", "r1");
    ExecutionWrite bad = write().execution(exec("wf", "r2", 3, true), 0).build();
    assertThatThrownBy(() -> store.commit(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dbVersion");
    assertThat(store.getExecution(NS, "wf", "r1")).isEmpty();
  }

  @Test
  void conflictingWriteInBatchLeavesNothingAndDoesNotAffectOthers() {
    ok(start("b", "rb"));
    ExecutionWrite stale = write().execution(exec("b", "rb", 5, false), 4)
        .current(current("b", "rb", false), "rb").history(batch("rb", 4, 6))
        .timers(new TimerTask(10, SHARD, 100, NS, "b", "rb", 0, null))
        .queueTasks(new QueueTask(11, NS, "q", QueueTask.KIND_WORKFLOW, "b", "rb", 4, null))
        .build();
    List<ConflictException> results =
        store.commit(List.of(start("a", "ra"), stale, start("c", "rc")));
    assertThat(results).hasSize(3);
    assertThat(results.get(0)).isNull();
    assertThat(results.get(1)).isInstanceOf(ConflictException.class);
    assertThat(results.get(2)).isNull();
    assertThat(store.getExecution(NS, "a", "ra")).isPresent();
    assertThat(store.getExecution(NS, "c", "rc")).isPresent();
    assertThat(store.getExecution(NS, "b", "rb").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store.getCurrentExecution(NS, "b").orElseThrow().running()).isTrue();
    assertThat(store.readHistory(NS, "rb", 1, 100)).extracting(HistoryBatch::firstEventId)
        .containsExactly(1L);
    assertThat(store.loadTimers(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store.loadQueueTasks(0, 10)).isEmpty();
  }

  @Test
  void duplicateHistoryBatchIsAConflictOfThatWriteOnly() {
    ok(start("wf", "r1"));
    ExecutionWrite dup = write().execution(exec("wf", "r1", 2, true), 1)
        .history(batch("r1", 1, 3)).build();
    List<ConflictException> results = store.commit(List.of(dup, start("x", "rx")));
    assertThat(results.get(0)).isNotNull();
    assertThat(results.get(1)).isNull();
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store.getExecution(NS, "x", "rx")).isPresent();
  }

  @Test
  void listRunningExecutionsPagesByRunIdWithinTheShard() {
    long otherRange = store.acquireShard(SHARD + 1, "node-a");
    for (String run : List.of("r5", "r2", "r4", "r1", "r3")) {
      ok(start("wf-" + run, run));
    }
    ok(write().execution(exec("wf-closed", "r0", 1, false), 0).build());
    ok(new TestWrite(SHARD + 1, otherRange).execution(
        new ExecutionRecord(NS, "wf-o", "r9", SHARD + 1, 1, true, 1, null), 0).build());
    List<String> seen = new ArrayList<>();
    String after = null;
    for (List<ExecutionRecord> page; !(page = store.listRunningExecutions(SHARD, 2, after)).isEmpty(); ) {
      assertThat(page.size()).isLessThanOrEqualTo(2);
      page.forEach(e -> seen.add(e.runId()));
      after = page.get(page.size() - 1).runId();
    }
    assertThat(seen).containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(store.listRunningExecutions(SHARD + 1, 10, null)).extracting(ExecutionRecord::runId)
        .containsExactly("r9");
  }

  // ---- current pointer

  @Test
  void currentMustBeAbsentConflictsWhenAWorkflowRunExists() {
    ok(start("wf", "r1"));
    ConflictException c = commitOne(start("wf", "r2"));
    assertThat(c).hasMessageContaining("already has current run r1");
    assertThat(store.getExecution(NS, "wf", "r2")).isEmpty();
    assertThat(store.getCurrentExecution(NS, "wf").orElseThrow().runId()).isEqualTo("r1");
  }

  @Test
  void currentWithoutAnyConditionMustAlsoBeAbsent() {
    ok(start("wf", "r1"));
    assertThat(commitOne(write().current(current("wf", "r2", true), null).build())).isNotNull();
    assertThat(store.getCurrentExecution(NS, "wf").orElseThrow().runId()).isEqualTo("r1");
  }

  @Test
  void expectedCurrentRunIdMustMatch() {
    ok(start("wf", "r1"));
    ExecutionWrite wrong = write().execution(exec("wf", "r2", 1, true), 0)
        .current(current("wf", "r2", true), "r0").build();
    assertThat(commitOne(wrong)).hasMessageContaining("is r1, expected r0");
    ExecutionWrite missing = write().current(current("other", "r2", true), "r0").build();
    assertThat(commitOne(missing)).hasMessageContaining("has no current run");
    assertThat(store.getCurrentExecution(NS, "other")).isEmpty();

    // Continue-as-new style: the new run replaces the pointer conditioned on the old run.
    ok(write().execution(exec("wf", "r2", 1, true), 0).current(current("wf", "r2", true), "r1")
        .history(batch("r2", 1, 2)).build());
    assertThat(store.getCurrentExecution(NS, "wf")).contains(current("wf", "r2", true));
  }

  @Test
  void nullCurrentLeavesThePointerAlone() {
    ok(start("wf", "r1"));
    ok(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(store.getCurrentExecution(NS, "wf")).contains(current("wf", "r1", true));
    ok(write().execution(exec("wf", "r1", 3, false), 2).current(current("wf", "r1", false), "r1")
        .build());
    assertThat(store.getCurrentExecution(NS, "wf")).contains(current("wf", "r1", false));
  }

  // ---- shards

  @Test
  void acquireShardFencesOlderOwners() {
    assertThat(range).isEqualTo(1);
    ok(start("wf", "r1"));
    long newer = store.acquireShard(SHARD, "node-b");
    assertThat(newer).isEqualTo(2);
    ConflictException c = commitOne(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(c).hasMessageContaining("range id 2").hasMessageContaining("carries 1");
    assertThat(commitOne(ExecutionWrite.deletions(SHARD, range, List.of(1L), List.of()))).isNotNull();
    ok(new TestWrite(SHARD, newer).execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().running()).isFalse();
  }

  @Test
  void writeToUnacquiredShardConflicts() {
    assertThat(commitOne(ExecutionWrite.deletions(99, 1, List.of(), List.of())))
        .hasMessageContaining("never acquired");
  }

  // ---- history

  @Test
  void historyPagesOverManyBatches() {
    ok(start("wf", "r1")); // batch 1..3
    long next = 4;
    for (int version = 2; version <= 21; version++) {
      TestWrite w = write().execution(exec("wf", "r1", version, true), version - 1);
      for (int i = 0; i < 5; i++, next += 5) {
        w.history(batch("r1", next, next + 4));
      }
      ok(w.build());
    }
    long lastEvent = next - 1; // 503
    assertThat(store.readHistory(NS, "r1", 23, 10)).extracting(HistoryBatch::firstEventId)
        .containsExactly(19L, 24L, 29L); // 19..23 holds event 23: 1 + 5 + 5 events >= 10
    assertThat(store.readHistory(NS, "r1", 19, 10)).extracting(HistoryBatch::firstEventId)
        .containsExactly(19L, 24L);

    List<HistoryBatch> all = new ArrayList<>();
    for (long from = 1; ; ) {
      List<HistoryBatch> page = store.readHistory(NS, "r1", from, 7);
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page);
      from = page.get(page.size() - 1).lastEventId() + 1;
    }
    assertThat(all).hasSize(101);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).firstEventId()).isEqualTo(all.get(i - 1).lastEventId() + 1);
    }
    assertThat(all.get(all.size() - 1).lastEventId()).isEqualTo(lastEvent);
    assertThat(all.get(50).events()).isEqualTo(batch("r1", all.get(50).firstEventId(),
        all.get(50).lastEventId()).events());
    assertThat(store.readHistory(NS, "r1", lastEvent + 1, 10)).isEmpty();
    assertThat(store.readHistory(NS, "r2", 1, 10)).isEmpty();
  }

  @Test
  void largeBlobsRoundTrip() {
    byte[] state = new byte[3 * 1024 * 1024];
    byte[] events = new byte[3 * 1024 * 1024 + 7];
    Random random = new Random(42);
    random.nextBytes(state);
    random.nextBytes(events);
    ok(write().execution(new ExecutionRecord(NS, "wf", "r1", SHARD, 1, true, 2, state), 0)
        .history(new HistoryBatch(NS, "r1", 1, 1, events)).build());
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().state()).isEqualTo(state);
    assertThat(store.readHistory(NS, "r1", 1, 1).get(0).events()).isEqualTo(events);
  }

  // ---- outbox

  @Test
  void timersLoadInFireOrderAndCanBeDeleted() {
    ok(write().timers(timer(5, 300), timer(4, 100), timer(2, 200), timer(3, 100)).build());
    assertThat(store.loadTimers(Long.MAX_VALUE, 10)).extracting(TimerTask::taskId)
        .containsExactly(3L, 4L, 2L, 5L);
    assertThat(store.loadTimers(200, 10)).extracting(TimerTask::taskId).containsExactly(3L, 4L);
    assertThat(store.loadTimers(Long.MAX_VALUE, 3)).extracting(TimerTask::taskId)
        .containsExactly(3L, 4L, 2L);
    assertThat(store.loadTimers(Long.MAX_VALUE, 10).get(0))
        .usingRecursiveComparison().isEqualTo(timer(3, 100));

    ok(ExecutionWrite.deletions(SHARD, range, List.of(4L, 999L), List.of(12345L)));
    assertThat(store.loadTimers(Long.MAX_VALUE, 10)).extracting(TimerTask::taskId)
        .containsExactly(3L, 2L, 5L);
  }

  @Test
  void queueTasksLoadInIdOrderAndCanBeDeleted() {
    ok(write().queueTasks(queueTask(7), queueTask(3), queueTask(5), queueTask(9)).build());
    assertThat(store.loadQueueTasks(0, 10)).extracting(QueueTask::taskId)
        .containsExactly(3L, 5L, 7L, 9L);
    assertThat(store.loadQueueTasks(5, 1)).extracting(QueueTask::taskId).containsExactly(7L);
    assertThat(store.loadQueueTasks(0, 10).get(0))
        .usingRecursiveComparison().isEqualTo(queueTask(3));
    ok(write().deleteQueueTasks(5L, 999L).build());
    assertThat(store.loadQueueTasks(0, 10)).extracting(QueueTask::taskId)
        .containsExactly(3L, 7L, 9L);
  }

  @Test
  void maxTaskIdCoversBothTablesAndReservationsAndNeverGoesBack() {
    assertThat(store.maxTaskId()).isZero();
    ok(write().timers(timer(40, 1)).queueTasks(queueTask(25)).build());
    assertThat(store.maxTaskId()).isEqualTo(40);
    // Ids come from reservations; a reservation starts above every committed id.
    long first = store.reserveTaskIds(40);
    assertThat(first).isEqualTo(41);
    assertThat(store.maxTaskId()).isEqualTo(80);
    ok(write().queueTasks(queueTask(70)).build());
    ok(ExecutionWrite.deletions(SHARD, range, List.of(40L), List.of(25L, 70L)));
    assertThat(store.maxTaskId()).isEqualTo(80); // ids must not be reused after deletion
    assertThat(store.reserveTaskIds(1)).isEqualTo(81);
  }

  @Test
  void uniqueViolationInTheMiddleOfABatchIsOnlyThatWritesConflict() {
    ok(start("dup", "r-dup"));
    ExecutionWrite dup = write().execution(exec("dup", "r-dup", 2, true), 1)
        .history(batch("r-dup", 1, 3)).timers(timer(501, 5)).build();
    List<ConflictException> results =
        store.commit(List.of(start("a", "ra"), dup, start("b", "rb")));
    assertThat(results.get(0)).isNull();
    assertThat(results.get(1)).isInstanceOf(ConflictException.class);
    assertThat(results.get(2)).isNull();
    assertThat(store.getExecution(NS, "dup", "r-dup").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store.loadTimers(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store.getExecution(NS, "a", "ra")).isPresent();
    assertThat(store.getExecution(NS, "b", "rb")).isPresent();
  }

  @Test
  void fourMegabyteBlobsRoundTrip() {
    byte[] big = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(big);
    ok(write().execution(exec("big", "r-big", 1, true), 0).current(current("big", "r-big", true),
        null).currentMustBeAbsent().history(new HistoryBatch(NS, "r-big", 1, 1, big)).build());
    assertThat(store.readHistory(NS, "r-big", 1, 10).get(0).events()).isEqualTo(big);
  }

  protected static TimerTask timer(long id, long fireAt) {
    return new TimerTask(id, SHARD, fireAt, NS, "wf", "r1", 2, bytes("t" + id));
  }

  protected static QueueTask queueTask(long id) {
    return new QueueTask(id, NS, "queue-a", QueueTask.KIND_ACTIVITY, "wf", "r1", id * 2,
        bytes("q" + id));
  }

  // ---- namespaces

  @Test
  void namespacesAreCreatedListedAndUpdatedWithVersionChecks() {
    store.createNamespace(new NamespaceRecord("id-b", "beta", 1, bytes("b1")));
    store.createNamespace(new NamespaceRecord("id-a", "alpha", 1, bytes("a1")));
    assertThat(store.listNamespaces()).extracting(NamespaceRecord::name)
        .containsExactly("alpha", "beta");
    assertThatThrownBy(() -> store.createNamespace(new NamespaceRecord("id-c", "alpha", 1, null)))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.createNamespace(new NamespaceRecord("id-a", "gamma", 1, null)))
        .isInstanceOf(ConflictException.class);

    store.updateNamespace(new NamespaceRecord("id-a", "alpha", 2, bytes("a2")), 1);
    assertThatThrownBy(
            () -> store.updateNamespace(new NamespaceRecord("id-a", "alpha", 2, bytes("x")), 1))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(
            () -> store.updateNamespace(new NamespaceRecord("id-a", "beta", 3, bytes("x")), 2))
        .isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store.updateNamespace(new NamespaceRecord("nope", "n", 2, null), 1))
        .isInstanceOf(ConflictException.class);
    assertThat(store.listNamespaces()).usingRecursiveFieldByFieldElementComparator()
        .containsExactly(new NamespaceRecord("id-a", "alpha", 2, bytes("a2")),
            new NamespaceRecord("id-b", "beta", 1, bytes("b1")));
  }

  // ---- lifecycle

  @Test
  void everythingSurvivesReopen() {
    assumeTrue(durable(), "store is not durable");
    ok(start("wf", "r1"));
    ok(write().execution(exec("wf", "r1", 2, true), 1).history(batch("r1", 4, 9))
        .timers(timer(8, 500)).queueTasks(queueTask(9)).build());
    store.createNamespace(new NamespaceRecord("id-a", "alpha", 1, bytes("a")));
    store.close();

    store = newStore(dir);
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().dbVersion()).isEqualTo(2);
    assertThat(store.getCurrentExecution(NS, "wf")).contains(current("wf", "r1", true));
    assertThat(store.readHistory(NS, "r1", 1, 100)).hasSize(2);
    assertThat(store.loadTimers(Long.MAX_VALUE, 10)).extracting(TimerTask::taskId).containsExactly(8L);
    assertThat(store.loadQueueTasks(0, 10)).extracting(QueueTask::taskId).containsExactly(9L);
    assertThat(store.maxTaskId()).isEqualTo(9);
    assertThat(store.listNamespaces()).extracting(NamespaceRecord::name).containsExactly("alpha");
    assertThat(store.acquireShard(SHARD, "node-b")).isEqualTo(range + 1);
  }

  @Test
  void closedStoreRejectsCalls() {
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.getExecution(NS, "wf", "r1"))
        .isInstanceOf(StoreException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.commit(List.of(start("wf", "r1"))))
        .isInstanceOf(StoreException.class);
  }

  // ---- group commit over the real store

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void groupCommitterKeepsPerRunOrderUnderConcurrency() throws Exception {
    int threads = 8;
    int perThread = 500;
    Queue<CompletableFuture<Void>> futures = new ConcurrentLinkedQueue<>();
    try (GroupCommitter committer = new GroupCommitter(store, 64)) {
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String wf = "wf-" + t;
        String run = "run-" + t;
        Thread thread = new Thread(() -> {
          // Each write expects the previous version without waiting for it: only FIFO order
          // across batches makes all of them succeed.
          for (int v = 1; v <= perThread; v++) {
            futures.add(committer.submit(write().execution(versioned(wf, run, v), v - 1)
                .history(batch(run, v, v)).build()));
          }
        });
        submitters.add(thread);
        thread.start();
      }
      // Concurrent reads must only ever see whole committed rows (state matches dbVersion).
      while (submitters.stream().anyMatch(Thread::isAlive)) {
        store.getExecution(NS, "wf-0", "run-0").ifPresent(e ->
            assertThat(ByteBuffer.wrap(e.state()).getLong()).isEqualTo(e.dbVersion()));
      }
      for (Thread thread : submitters) {
        thread.join();
      }
      assertThat(futures).hasSize(threads * perThread);
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
      assertThat(committer.writesCommitted()).isEqualTo((long) threads * perThread);
      assertThat(committer.conflicts()).isZero();
      assertThat(committer.batchesCommitted()).isLessThan((long) threads * perThread);
    }
    for (int t = 0; t < threads; t++) {
      assertThat(store.getExecution(NS, "wf-" + t, "run-" + t).orElseThrow().dbVersion())
          .isEqualTo(perThread);
      assertThat(store.readHistory(NS, "run-" + t, 1, 10_000)).hasSize(perThread);
    }
  }

  @Test
  void groupCommitterReportsConflictsPerWrite() throws Exception {
    try (GroupCommitter committer = new GroupCommitter(store, 16)) {
      CompletableFuture<Void> first = committer.submit(start("wf", "r1"));
      CompletableFuture<Void> dup = committer.submit(start("wf", "r2"));
      CompletableFuture<Void> other = committer.submit(start("wf2", "r3"));
      CompletableFuture.allOf(first, other).get(30, TimeUnit.SECONDS);
      assertThatThrownBy(() -> dup.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConflictException.class);
    }
    assertThat(store.getExecution(NS, "wf", "r2")).isEmpty();
    assertThat(store.getExecution(NS, "wf2", "r3")).isPresent();
  }

  private static ExecutionRecord versioned(String wf, String run, long version) {
    byte[] state = ByteBuffer.allocate(64).putLong(version).array();
    return new ExecutionRecord(NS, wf, run, SHARD, version, true, version + 1, state);
  }
}
