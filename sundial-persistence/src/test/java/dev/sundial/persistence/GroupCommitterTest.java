package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Batching, ordering and completion semantics, against a scripted fake store. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitterTest {

  /** Records every batch; the first commit blocks until released so others queue up. */
  private static final class FakeStore implements Store {
    final List<List<ExecutionWrite>> batches = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch firstCommitEntered = new CountDownLatch(1);
    final CountDownLatch releaseFirstCommit = new CountDownLatch(1);
    volatile Function<List<ExecutionWrite>, List<ConflictException>> behaviour =
        writes -> new ArrayList<>(Collections.nCopies(writes.size(), null));

    @Override
    public List<ConflictException> commit(List<ExecutionWrite> writes) {
      batches.add(List.copyOf(writes));
      firstCommitEntered.countDown();
      try {
        releaseFirstCommit.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return behaviour.apply(writes);
    }

    // The committer only ever calls commit().
    @Override public Optional<ExecutionRecord> getExecution(String n, String w, String r) { throw new UnsupportedOperationException(); }
    @Override public Optional<CurrentExecution> getCurrentExecution(String n, String w) { throw new UnsupportedOperationException(); }
    @Override public List<ExecutionRecord> listRunningExecutions(int s, int l, String a) { throw new UnsupportedOperationException(); }
    @Override public List<HistoryBatch> readHistory(String n, String r, long f, int m) { throw new UnsupportedOperationException(); }
    @Override public List<TimerTask> loadTimers(long b, int l) { throw new UnsupportedOperationException(); }
    @Override public List<QueueTask> loadQueueTasks(long a, int l) { throw new UnsupportedOperationException(); }
    @Override public long maxTaskId() { throw new UnsupportedOperationException(); }
    @Override public List<NamespaceRecord> listNamespaces() { throw new UnsupportedOperationException(); }
    @Override public void createNamespace(NamespaceRecord n) { throw new UnsupportedOperationException(); }
    @Override public void updateNamespace(NamespaceRecord n, long v) { throw new UnsupportedOperationException(); }
    @Override public long acquireShard(int s, String o) { throw new UnsupportedOperationException(); }
    @Override public void heartbeatNode(String n, String a, long t) { throw new UnsupportedOperationException(); }
    @Override public String clusterSecret() { throw new UnsupportedOperationException(); }
    @Override public void removeNode(String n) { throw new UnsupportedOperationException(); }
    @Override public List<NodeRecord> listNodes() { throw new UnsupportedOperationException(); }
    @Override public List<ShardLease> listShardLeases() { throw new UnsupportedOperationException(); }
    @Override public Optional<ShardLease> tryAcquireShard(int s, String n, long t, long l) { throw new UnsupportedOperationException(); }
    @Override public Set<Integer> renewShardLeases(String n, Map<Integer, Long> r, long e) { throw new UnsupportedOperationException(); }
    @Override public boolean releaseShard(int s, String n, long r) { throw new UnsupportedOperationException(); }
    @Override public long reserveTaskIds(int c) { throw new UnsupportedOperationException(); }
    @Override public List<TimerTask> loadShardTimers(int s, long b, int l) { throw new UnsupportedOperationException(); }
    @Override public List<QueueTask> loadPartitionQueueTasks(int p, long a, int l) { throw new UnsupportedOperationException(); }
    @Override public void deleteExecution(String n, String w, String r) { throw new UnsupportedOperationException(); }
    @Override public void close() {}
  }

  private static ExecutionWrite w(long id) {
    return ExecutionWrite.deletions(1, 1, List.of(id), List.of());
  }

  private static long id(ExecutionWrite w) {
    return w.timersToDelete().get(0);
  }

  /** Submits one write, waits until the store is busy with it, then queues {@code more}. */
  private static List<CompletableFuture<Void>> submitWhileBusy(
      FakeStore store, GroupCommitter committer, int more) throws InterruptedException {
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    futures.add(committer.submit(w(0)));
    store.firstCommitEntered.await();
    for (int i = 1; i <= more; i++) {
      futures.add(committer.submit(w(i)));
    }
    return futures;
  }

  @Test
  void drainsWhatIsQueuedIntoBatchesInSubmitOrder() throws Exception {
    FakeStore store = new FakeStore();
    try (GroupCommitter committer = new GroupCommitter(store, 3)) {
      List<CompletableFuture<Void>> futures = submitWhileBusy(store, committer, 7);
      store.releaseFirstCommit.countDown();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
      assertThat(store.batches).extracting(List::size).containsExactly(1, 3, 3, 1);
      assertThat(store.batches.stream().flatMap(List::stream).map(GroupCommitterTest::id))
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(committer.batchesCommitted()).isEqualTo(4);
      assertThat(committer.writesCommitted()).isEqualTo(8);
    }
  }

  @Test
  void completesFuturesInCommitOrderOffTheCommitterThread() throws Exception {
    FakeStore store = new FakeStore();
    try (GroupCommitter committer = new GroupCommitter(store, 1)) {
      List<CompletableFuture<Void>> futures = submitWhileBusy(store, committer, 5);
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<String> thread = new AtomicReference<>();
      // Wait for the callbacks themselves: allOf(futures) may complete before they have run.
      List<CompletableFuture<Void>> callbacks = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        int n = i;
        callbacks.add(futures.get(i).whenComplete((v, e) -> {
          order.add(n);
          thread.set(Thread.currentThread().getName());
        }));
      }
      store.releaseFirstCommit.countDown();
      CompletableFuture.allOf(callbacks.toArray(CompletableFuture[]::new)).get();
      assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(thread.get()).isEqualTo("sundial-commit-callbacks");
    }
  }

  @Test
  void conflictsFailOnlyTheirOwnFuture() throws Exception {
    FakeStore store = new FakeStore();
    store.behaviour = writes -> {
      List<ConflictException> r = new ArrayList<>(Collections.nCopies(writes.size(), null));
      for (int i = 0; i < writes.size(); i++) {
        if (id(writes.get(i)) == 2) {
          r.set(i, new ConflictException("stale 2"));
        }
      }
      return r;
    };
    store.releaseFirstCommit.countDown();
    try (GroupCommitter committer = new GroupCommitter(store, 10)) {
      List<CompletableFuture<Void>> f = List.of(
          committer.submit(w(1)), committer.submit(w(2)), committer.submit(w(3)));
      f.get(0).get();
      f.get(2).get();
      assertThatThrownBy(() -> f.get(1).get()).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ConflictException.class).hasMessageContaining("stale 2");
      assertThat(committer.conflicts()).isEqualTo(1);
      assertThat(committer.writesCommitted()).isEqualTo(2);
    }
  }

  @Test
  void aFailedBatchFailsAllItsFuturesAndTheCommitterCarriesOn() throws Exception {
    FakeStore store = new FakeStore();
    StoreException boom = new StoreException("disk full", null);
    store.behaviour = writes -> {
      throw boom;
    };
    try (GroupCommitter committer = new GroupCommitter(store, 10)) {
      List<CompletableFuture<Void>> failed = submitWhileBusy(store, committer, 2);
      store.releaseFirstCommit.countDown();
      for (CompletableFuture<Void> f : failed) {
        assertThatThrownBy(f::get).hasCause(boom);
      }
      store.behaviour = writes -> new ArrayList<>(Collections.nCopies(writes.size(), null));
      committer.submit(w(9)).get();
      assertThat(committer.batchesFailed()).isEqualTo(2);
      assertThat(committer.batchesCommitted()).isEqualTo(1);
    }
  }

  @Test
  void closeCommitsWhatIsQueuedThenRejects() throws Exception {
    FakeStore store = new FakeStore();
    GroupCommitter committer = new GroupCommitter(store, 10);
    List<CompletableFuture<Void>> futures = submitWhileBusy(store, committer, 2);
    Thread closer = new Thread(committer::close);
    closer.start();
    // close() marks the committer closed before it starts waiting for the thread.
    while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
      Thread.onSpinWait();
    }
    assertThatThrownBy(() -> committer.submit(w(5)).get())
        .hasCauseInstanceOf(StoreException.class).hasMessageContaining("store closed");
    store.releaseFirstCommit.countDown();
    closer.join();
    for (CompletableFuture<Void> f : futures) {
      assertThat(f).isCompleted().isNotCompletedExceptionally();
    }
    assertThat(store.batches).extracting(List::size).containsExactly(1, 2);
  }

  @Test
  void malformedWriteIsRejectedAtSubmit() {
    FakeStore store = new FakeStore();
    store.releaseFirstCommit.countDown();
    try (GroupCommitter committer = new GroupCommitter(store, 10)) {
      ExecutionRecord e = new ExecutionRecord("ns", "wf", "r", 1, 5, true, 1, null);
      ExecutionWrite bad = new ExecutionWrite(1, 1, e, 0, null, null, false, null, null, null, null, null);
      assertThatThrownBy(() -> committer.submit(bad).get())
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }
    assertThat(store.batches).isEmpty();
  }
}
