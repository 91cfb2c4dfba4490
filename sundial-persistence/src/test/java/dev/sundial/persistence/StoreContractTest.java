package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Store} must have, one subclass per implementation: each part of the
 * store SPI has its contract (ExecutionStoreContract, HistoryStoreContract, TaskStoreContract,
 * NamespaceStoreContract, ShardStoreContract; the cluster part is ClusterContractTest), and this
 * class runs them all plus what concerns the store as a whole (reopening, group commit).
 */
public abstract class StoreContractTest
    implements ExecutionStoreContract,
        HistoryStoreContract,
        TaskStoreContract,
        NamespaceStoreContract,
        ShardStoreContract {
  @TempDir protected Path dir;
  protected Store store;
  protected long range;

  protected abstract Store newStore(Path dir);

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public Store store() {
    return store;
  }

  @Override
  public long range() {
    return range;
  }

  @Override
  public Path dir() {
    return dir;
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
