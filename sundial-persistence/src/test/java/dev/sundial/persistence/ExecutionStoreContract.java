package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part ExecutionStore: Runs and current pointers: commits with version and pointer conditions, conflicts reported per write, paging of running runs, deletion, large blobs.
 */
public interface ExecutionStoreContract extends StoreContractSupport {
  // ---- executions

  @Test
  default void startStoresExecutionCurrentAndHistory() {
    ok(start("wf", "r1"));
    ExecutionRecord e = store().getExecution(NS, "wf", "r1").orElseThrow();
    assertThat(e).usingRecursiveComparison().isEqualTo(exec("wf", "r1", 1, true));
    assertThat(store().getCurrentExecution(NS, "wf")).contains(current("wf", "r1", true));
    assertThat(store().readHistory(NS, "r1", 1, 100)).singleElement()
        .usingRecursiveComparison().isEqualTo(batch("r1", 1, 3));
    assertThat(store().getExecution(NS, "wf", "other")).isEmpty();
    assertThat(store().getExecution("ns-2", "wf", "r1")).isEmpty();
    assertThat(store().getCurrentExecution(NS, "other")).isEmpty();
  }

  @Test
  default void deleteExecutionRemovesStateHistoryAndCurrentPointer() {
    ok(start("wf", "r1"));
    ok(start("wf2", "r2"));
    store().deleteExecution(NS, "wf", "r1");
    assertThat(store().getExecution(NS, "wf", "r1")).isEmpty();
    assertThat(store().getCurrentExecution(NS, "wf")).isEmpty();
    assertThat(store().readHistory(NS, "r1", 1, 100)).isEmpty();
    // Other runs are untouched, and deleting again is harmless.
    assertThat(store().getExecution(NS, "wf2", "r2")).isPresent();
    assertThat(store().readHistory(NS, "r2", 1, 100)).isNotEmpty();
    store().deleteExecution(NS, "wf", "r1");
  }

  @Test
  default void emptyBatchCommitsNothing() {
    assertThat(store().commit(List.of())).isEmpty();
  }

  @Test
  default void insertOfExistingRunConflicts() {
    ok(start("wf", "r1"));
    ConflictException c = commitOne(write().execution(exec("wf", "r1", 1, false), 0).build());
    assertThat(c).hasMessageContaining("already exists");
    assertThat(store().getExecution(NS, "wf", "r1").orElseThrow().running()).isTrue();
  }

  @Test
  default void updateRequiresTheStoredVersion() {
    ok(start("wf", "r1"));
    ok(write().execution(exec("wf", "r1", 2, true), 1).build());
    ConflictException stale = commitOne(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(stale).hasMessageContaining("has db version 2, expected 1");
    ExecutionRecord e = store().getExecution(NS, "wf", "r1").orElseThrow();
    assertThat(e.dbVersion()).isEqualTo(2);
    assertThat(e.running()).isTrue();
    assertThat(e.state()).isEqualTo(bytes("r12"));
  }

  @Test
  default void updateOfMissingRunConflicts() {
    assertThat(commitOne(write().execution(exec("wf", "nope", 5, true), 4).build()))
        .hasMessageContaining("does not exist");
    assertThat(store().getExecution(NS, "wf", "nope")).isEmpty();
  }

  @Test
  default void malformedWriteFailsTheCallBeforeAnythingIsWritten() {
    ExecutionWrite good = start("wf", "r1");
    ExecutionWrite bad = write().execution(exec("wf", "r2", 3, true), 0).build();
    assertThatThrownBy(() -> store().commit(List.of(good, bad)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dbVersion");
    assertThat(store().getExecution(NS, "wf", "r1")).isEmpty();
  }

  @Test
  default void conflictingWriteInBatchLeavesNothingAndDoesNotAffectOthers() {
    ok(start("b", "rb"));
    ExecutionWrite stale = write().execution(exec("b", "rb", 5, false), 4)
        .current(current("b", "rb", false), "rb").history(batch("rb", 4, 6))
        .timers(new TimerTask(10, SHARD, 100, NS, "b", "rb", 0, null))
        .queueTasks(new QueueTask(11, NS, "q", QueueTask.KIND_WORKFLOW, "b", "rb", 4, null))
        .build();
    List<ConflictException> results =
        store().commit(List.of(start("a", "ra"), stale, start("c", "rc")));
    assertThat(results).hasSize(3);
    assertThat(results.get(0)).isNull();
    assertThat(results.get(1)).isInstanceOf(ConflictException.class);
    assertThat(results.get(2)).isNull();
    assertThat(store().getExecution(NS, "a", "ra")).isPresent();
    assertThat(store().getExecution(NS, "c", "rc")).isPresent();
    assertThat(store().getExecution(NS, "b", "rb").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store().getCurrentExecution(NS, "b").orElseThrow().running()).isTrue();
    assertThat(store().readHistory(NS, "rb", 1, 100)).extracting(HistoryBatch::firstEventId)
        .containsExactly(1L);
    assertThat(store().loadTimers(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store().loadQueueTasks(0, 10)).isEmpty();
  }

  @Test
  default void listRunningExecutionsPagesByRunIdWithinTheShard() {
    long otherRange = store().acquireShard(SHARD + 1, "node-a");
    for (String run : List.of("r5", "r2", "r4", "r1", "r3")) {
      ok(start("wf-" + run, run));
    }
    ok(write().execution(exec("wf-closed", "r0", 1, false), 0).build());
    ok(new TestWrite(SHARD + 1, otherRange).execution(
        new ExecutionRecord(NS, "wf-o", "r9", SHARD + 1, 1, true, 1, null), 0).build());
    List<String> seen = new ArrayList<>();
    String after = null;
    for (List<ExecutionRecord> page; !(page = store().listRunningExecutions(SHARD, 2, after)).isEmpty(); ) {
      assertThat(page.size()).isLessThanOrEqualTo(2);
      page.forEach(e -> seen.add(e.runId()));
      after = page.get(page.size() - 1).runId();
    }
    assertThat(seen).containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(store().listRunningExecutions(SHARD + 1, 10, null)).extracting(ExecutionRecord::runId)
        .containsExactly("r9");
  }

  // ---- current pointer

  @Test
  default void currentMustBeAbsentConflictsWhenAWorkflowRunExists() {
    ok(start("wf", "r1"));
    ConflictException c = commitOne(start("wf", "r2"));
    assertThat(c).hasMessageContaining("already has current run r1");
    assertThat(store().getExecution(NS, "wf", "r2")).isEmpty();
    assertThat(store().getCurrentExecution(NS, "wf").orElseThrow().runId()).isEqualTo("r1");
  }

  @Test
  default void currentWithoutAnyConditionMustAlsoBeAbsent() {
    ok(start("wf", "r1"));
    assertThat(commitOne(write().current(current("wf", "r2", true), null).build())).isNotNull();
    assertThat(store().getCurrentExecution(NS, "wf").orElseThrow().runId()).isEqualTo("r1");
  }

  @Test
  default void expectedCurrentRunIdMustMatch() {
    ok(start("wf", "r1"));
    ExecutionWrite wrong = write().execution(exec("wf", "r2", 1, true), 0)
        .current(current("wf", "r2", true), "r0").build();
    assertThat(commitOne(wrong)).hasMessageContaining("is r1, expected r0");
    ExecutionWrite missing = write().current(current("other", "r2", true), "r0").build();
    assertThat(commitOne(missing)).hasMessageContaining("has no current run");
    assertThat(store().getCurrentExecution(NS, "other")).isEmpty();

    // Continue-as-new style: the new run replaces the pointer conditioned on the old run.
    ok(write().execution(exec("wf", "r2", 1, true), 0).current(current("wf", "r2", true), "r1")
        .history(batch("r2", 1, 2)).build());
    assertThat(store().getCurrentExecution(NS, "wf")).contains(current("wf", "r2", true));
  }

  @Test
  default void nullCurrentLeavesThePointerAlone() {
    ok(start("wf", "r1"));
    ok(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(store().getCurrentExecution(NS, "wf")).contains(current("wf", "r1", true));
    ok(write().execution(exec("wf", "r1", 3, false), 2).current(current("wf", "r1", false), "r1")
        .build());
    assertThat(store().getCurrentExecution(NS, "wf")).contains(current("wf", "r1", false));
  }

  @Test
  default void uniqueViolationInTheMiddleOfABatchIsOnlyThatWritesConflict() {
    ok(start("dup", "r-dup"));
    ExecutionWrite dup = write().execution(exec("dup", "r-dup", 2, true), 1)
        .history(batch("r-dup", 1, 3)).timers(timer(501, 5)).build();
    List<ConflictException> results =
        store().commit(List.of(start("a", "ra"), dup, start("b", "rb")));
    assertThat(results.get(0)).isNull();
    assertThat(results.get(1)).isInstanceOf(ConflictException.class);
    assertThat(results.get(2)).isNull();
    assertThat(store().getExecution(NS, "dup", "r-dup").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store().loadTimers(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(store().getExecution(NS, "a", "ra")).isPresent();
    assertThat(store().getExecution(NS, "b", "rb")).isPresent();
  }

  @Test
  default void largeBlobsRoundTrip() {
    byte[] state = new byte[3 * 1024 * 1024];
    byte[] events = new byte[3 * 1024 * 1024 + 7];
    Random random = new Random(42);
    random.nextBytes(state);
    random.nextBytes(events);
    ok(write().execution(new ExecutionRecord(NS, "wf", "r1", SHARD, 1, true, 2, state), 0)
        .history(new HistoryBatch(NS, "r1", 1, 1, events)).build());
    assertThat(store().getExecution(NS, "wf", "r1").orElseThrow().state()).isEqualTo(state);
    assertThat(store().readHistory(NS, "r1", 1, 1).get(0).events()).isEqualTo(events);
  }

  @Test
  default void fourMegabyteBlobsRoundTrip() {
    byte[] big = new byte[4 * 1024 * 1024];
    new Random(42).nextBytes(big);
    ok(write().execution(exec("big", "r-big", 1, true), 0).current(current("big", "r-big", true),
        null).currentMustBeAbsent().history(new HistoryBatch(NS, "r-big", 1, 1, big)).build());
    assertThat(store().readHistory(NS, "r-big", 1, 10).get(0).events()).isEqualTo(big);
  }
}
