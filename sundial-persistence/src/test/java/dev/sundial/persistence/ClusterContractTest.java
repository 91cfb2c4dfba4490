package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster part of the store contract: node registry, shard leases with fencing, task id
 * reservation, shard/partition scoped outbox loads. A second "node" is a second store over the
 * same database when the store is durable, else the same store.
 */
public abstract class ClusterContractTest {
  protected static final String NS = "ns-c";
  private static final long NOW = 1_000_000;
  private static final long LEASE = 10_000;

  @TempDir protected Path dir;
  protected Store store;
  private final List<Store> others = new ArrayList<>();

  protected abstract Store newStore(Path dir);

  public boolean durable() {
    return true;
  }

  @BeforeEach
  void open() {
    store = newStore(dir);
  }

  @AfterEach
  void close() {
    others.forEach(Store::close);
    store.close();
  }

  /** Another node's store over the same database. */
  protected Store otherNode() {
    if (!durable()) {
      return store;
    }
    Store s = newStore(dir);
    others.add(s);
    return s;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ExecutionWrite startRun(int shard, long range, String wf) {
    ExecutionRecord e = new ExecutionRecord(NS, wf, "run-" + wf, shard, 1, true, 2, bytes(wf));
    return new ExecutionWrite(shard, range, e, 0, null, null, false,
        List.of(new HistoryBatch(NS, "run-" + wf, 1, 1, bytes("h"))), List.of(), List.of(),
        List.of(), List.of());
  }

  // ---- nodes

  @Test
  void heartbeatUpsertsAndKeepsTheStartedTime() {
    store.heartbeatNode("node-b", "10.0.0.2:7233", 100);
    store.heartbeatNode("node-a", "10.0.0.1:7233", 150);
    store.heartbeatNode("node-b", "10.0.0.9:7233", 200);
    assertThat(store.listNodes()).containsExactly(
        new NodeRecord("node-a", "10.0.0.1:7233", 150, 150),
        new NodeRecord("node-b", "10.0.0.9:7233", 200, 100));
    store.removeNode("node-b");
    store.removeNode("node-b"); // idempotent
    assertThat(store.listNodes()).extracting(NodeRecord::nodeId).containsExactly("node-a");
    assertThatThrownBy(() -> store.heartbeatNode("", "x:1", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodeId");
  }

  // ---- shard leases

  @Test
  void tryAcquireTakesAFreeShardAndRefusesAHeldOne() {
    ShardLease a = store.tryAcquireShard(5, "node-a", NOW, LEASE).orElseThrow();
    assertThat(a).isEqualTo(new ShardLease(5, 1, "node-a", NOW + LEASE));
    Store b = otherNode();
    assertThat(b.tryAcquireShard(5, "node-b", NOW + LEASE - 1, LEASE)).isEmpty();
    // The holder may take it again (a new range id), e.g. after its own restart.
    ShardLease again = store.tryAcquireShard(5, "node-a", NOW + 1, LEASE).orElseThrow();
    assertThat(again.rangeId()).isEqualTo(2);
    assertThat(store.listShardLeases())
        .containsExactly(new ShardLease(5, 2, "node-a", NOW + 1 + LEASE));
  }

  @Test
  void anExpiredLeaseIsTakenAndTheOldOwnersCommitsAreFenced() {
    ShardLease a = store.tryAcquireShard(7, "node-a", NOW, LEASE).orElseThrow();
    assertThat(store.commit(List.of(startRun(7, a.rangeId(), "w1")))).containsOnlyNulls();
    Store b = otherNode();
    ShardLease taken = b.tryAcquireShard(7, "node-b", NOW + LEASE + 1, LEASE).orElseThrow();
    assertThat(taken.rangeId()).isEqualTo(a.rangeId() + 1);
    assertThat(taken.owner()).isEqualTo("node-b");
    // node-a does not know yet: its next commit carries the old range id.
    List<ConflictException> results = store.commit(List.of(startRun(7, a.rangeId(), "w2")));
    assertThat(results.get(0)).isInstanceOf(ConflictException.class)
        .hasMessageContaining("range id");
    assertThat(store.getExecution(NS, "w2", "run-w2")).isEmpty();
    assertThat(b.commit(List.of(startRun(7, taken.rangeId(), "w3")))).containsOnlyNulls();
    // node-a's renewal now reports the shard lost.
    assertThat(store.renewShardLeases("node-a", Map.of(7, a.rangeId()), NOW + 5 * LEASE))
        .isEmpty();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentTryAcquireHasExactlyOneWinner() throws Exception {
    int threads = 8;
    List<Store> nodes = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      nodes.add(i == 0 ? store : otherNode());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int shard = 20; shard < 25; shard++) {
        int s = shard;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<ShardLease>>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Store node = nodes.get(i);
          String id = "node-" + i;
          results.add(pool.submit(() -> {
            go.await();
            return node.tryAcquireShard(s, id, NOW, LEASE);
          }));
        }
        go.countDown();
        List<ShardLease> winners = new ArrayList<>();
        for (Future<Optional<ShardLease>> f : results) {
          f.get(30, TimeUnit.SECONDS).ifPresent(winners::add);
        }
        assertThat(winners).hasSize(1);
        assertThat(winners.get(0).rangeId()).isEqualTo(1);
        assertThat(store.listShardLeases()).filteredOn(l -> l.shardId() == s)
            .containsExactly(winners.get(0));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void renewExtendsOnlyTheLeasesStillHeld() {
    ShardLease s1 = store.tryAcquireShard(1, "node-a", NOW, LEASE).orElseThrow();
    ShardLease s2 = store.tryAcquireShard(2, "node-a", NOW, LEASE).orElseThrow();
    ShardLease s3 = store.tryAcquireShard(3, "node-a", NOW, LEASE).orElseThrow();
    Store b = otherNode();
    b.tryAcquireShard(2, "node-b", NOW + LEASE + 1, LEASE).orElseThrow();
    assertThat(store.releaseShard(3, "node-a", s3.rangeId())).isTrue();
    Set<Integer> renewed = store.renewShardLeases("node-a",
        Map.of(1, s1.rangeId(), 2, s2.rangeId(), 3, s3.rangeId(), 4, 1L), NOW + 3 * LEASE);
    assertThat(renewed).containsExactly(1);
    assertThat(store.listShardLeases()).filteredOn(l -> l.shardId() == 1)
        .containsExactly(new ShardLease(1, s1.rangeId(), "node-a", NOW + 3 * LEASE));
    assertThat(store.renewShardLeases("node-a", Map.of(), NOW)).isEmpty();
  }

  @Test
  void releaseLetsAnotherNodeTakeTheShardAtOnce() {
    ShardLease a = store.tryAcquireShard(9, "node-a", NOW, LEASE).orElseThrow();
    assertThat(store.releaseShard(9, "node-b", a.rangeId())).isFalse(); // not the owner
    assertThat(store.releaseShard(9, "node-a", a.rangeId() + 1)).isFalse(); // not its range
    assertThat(store.releaseShard(9, "node-a", a.rangeId())).isTrue();
    assertThat(store.listShardLeases()).containsExactly(new ShardLease(9, a.rangeId(), null, 0));
    ShardLease b = otherNode().tryAcquireShard(9, "node-b", NOW + 1, LEASE).orElseThrow();
    assertThat(b).isEqualTo(new ShardLease(9, a.rangeId() + 1, "node-b", NOW + 1 + LEASE));
    assertThat(store.releaseShard(9, "node-a", a.rangeId())).isFalse();
  }

  @Test
  void singleNodeAcquireLeavesNoLease() {
    long range = store.acquireShard(4, "solo");
    assertThat(store.listShardLeases()).containsExactly(new ShardLease(4, range, "solo", 0));
    ShardLease taken = store.tryAcquireShard(4, "node-b", NOW, LEASE).orElseThrow();
    assertThat(taken.rangeId()).isEqualTo(range + 1);
    assertThat(store.acquireShard(4, "solo")).isEqualTo(range + 2); // unconditional
  }

  // ---- cluster secret

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void clusterSecretIsCreatedOnceAndSharedByEveryNode() throws Exception {
    List<Store> nodes = List.of(store, otherNode());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Store node = nodes.get(t % 2);
        futures.add(pool.submit(() -> {
          go.await();
          return node.clusterSecret();
        }));
      }
      go.countDown();
      Set<String> secrets = new HashSet<>();
      for (Future<String> f : futures) {
        secrets.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(secrets).hasSize(1);
      String secret = secrets.iterator().next();
      assertThat(secret).hasSizeGreaterThanOrEqualTo(40); // 32 random bytes, base64
      assertThat(store.clusterSecret()).isEqualTo(secret);
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- task ids

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void reservedTaskIdRangesAreDisjointAcrossThreadsAndNodes() throws Exception {
    long range = store.acquireShard(1, "n");
    TimerTask existing = new TimerTask(500, 1, 10, NS, "wf", "r", 1, null);
    assertThat(store.commit(List.of(new ExecutionWrite(1, range, null, 0, null, null, false,
        List.of(), List.of(existing), List.of(), List.of(), List.of())))).containsOnlyNulls();
    int threads = 8;
    int perThread = 50;
    int block = 7;
    List<Store> nodes = List.of(store, otherNode());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Store node = nodes.get(t % 2);
        futures.add(pool.submit(() -> {
          List<Long> firsts = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            firsts.add(node.reserveTaskIds(block));
          }
          return firsts;
        }));
      }
      Set<Long> ids = new HashSet<>();
      for (Future<List<Long>> f : futures) {
        for (long first : f.get(30, TimeUnit.SECONDS)) {
          assertThat(first).isGreaterThan(500);
          for (long id = first; id < first + block; id++) {
            assertThat(ids.add(id)).as("id %d handed out twice", id).isTrue();
          }
        }
      }
      assertThat(ids).hasSize(threads * perThread * block);
      assertThat(store.maxTaskId()).isEqualTo(500L + threads * perThread * block);
    } finally {
      pool.shutdownNow();
    }
    assertThatThrownBy(() -> store.reserveTaskIds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count");
  }

  // ---- shard / partition scoped loads

  @Test
  void loadShardTimersFiltersByShardAndFireTime() {
    long r1 = store.acquireShard(1, "n");
    long r2 = store.acquireShard(2, "n");
    List<TimerTask> one = List.of(timer(10, 1, 300), timer(11, 1, 100), timer(12, 1, 100),
        timer(13, 1, 900));
    List<TimerTask> two = List.of(timer(20, 2, 50));
    assertThat(store.commit(List.of(timers(1, r1, one), timers(2, r2, two)))).containsOnlyNulls();
    assertThat(store.loadShardTimers(1, 500, 10)).extracting(TimerTask::taskId)
        .containsExactly(11L, 12L, 10L);
    assertThat(store.loadShardTimers(1, 500, 2)).extracting(TimerTask::taskId)
        .containsExactly(11L, 12L);
    assertThat(store.loadShardTimers(2, 500, 10)).singleElement()
        .usingRecursiveComparison().isEqualTo(timer(20, 2, 50));
    assertThat(store.loadShardTimers(3, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void loadPartitionQueueTasksFiltersByPartitionIncludingUnassignedRows() {
    long r = store.acquireShard(1, "n");
    List<QueueTask> tasks = List.of(task(1, 0), task(2, 1), task(3, -1), task(4, 0), task(5, 2),
        task(6, 0));
    assertThat(store.commit(List.of(new ExecutionWrite(1, r, null, 0, null, null, false,
        List.of(), List.of(), List.of(), tasks, List.of())))).containsOnlyNulls();
    assertThat(store.loadPartitionQueueTasks(0, 0, 10)).extracting(QueueTask::taskId)
        .containsExactly(1L, 3L, 4L, 6L);
    assertThat(store.loadPartitionQueueTasks(0, 3, 2)).extracting(QueueTask::taskId)
        .containsExactly(4L, 6L);
    assertThat(store.loadPartitionQueueTasks(1, 0, 10)).extracting(QueueTask::taskId)
        .containsExactly(2L, 3L);
    assertThat(store.loadPartitionQueueTasks(7, 0, 10)).extracting(QueueTask::taskId)
        .containsExactly(3L);
    assertThat(store.loadPartitionQueueTasks(2, 0, 10).get(1))
        .usingRecursiveComparison().isEqualTo(task(5, 2));
    assertThat(store.loadQueueTasks(0, 10)).extracting(QueueTask::partitionId)
        .containsExactly(0, 1, -1, 0, 2, 0);
  }

  private static TimerTask timer(long id, int shard, long fireAt) {
    return new TimerTask(id, shard, fireAt, NS, "wf", "r", 1, bytes("t" + id));
  }

  private static ExecutionWrite timers(int shard, long range, List<TimerTask> timers) {
    return new ExecutionWrite(shard, range, null, 0, null, null, false, List.of(), timers,
        List.of(), List.of(), List.of());
  }

  private static QueueTask task(long id, int partition) {
    return new QueueTask(id, NS, "q", QueueTask.KIND_WORKFLOW, "wf", "r", id, bytes("q" + id),
        partition);
  }
}
