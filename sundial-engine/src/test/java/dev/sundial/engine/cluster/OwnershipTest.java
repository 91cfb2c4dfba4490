package dev.sundial.engine.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.engine.MutableClock;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lease protocol with a hand-driven clock, nodes sharing one database: assignment, hand-over
 * when a node joins, take-over after a node stops renewing, and fencing of the node that stopped.
 */
class OwnershipTest {
  private static final int SHARDS = 16;
  private static final Ownership.Timing TIMING = new Ownership.Timing(500, 3000, 3000);

  @TempDir Path dir;
  private SqliteStore store;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** What one node was told, in order. */
  private static final class Events implements Ownership.Listener {
    final Set<Integer> serving = ConcurrentHashMap.newKeySet();
    final List<String> log = new ArrayList<>();

    @Override
    public void acquired(int shardId, long rangeId) {
      serving.add(shardId);
      log.add("acquired " + shardId);
    }

    @Override
    public void releasing(int shardId) {
      serving.remove(shardId);
      log.add("released " + shardId);
    }

    @Override
    public void lost(int shardId) {
      serving.remove(shardId);
      log.add("lost " + shardId);
    }
  }

  @BeforeEach
  void open() {
    store = SqliteStore.open(dir.resolve("cluster.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Ownership node(String id, Events events) {
    return new Ownership(store, clock, id, id + ":7233", SHARDS, TIMING, events, null);
  }

  private Map<Integer, String> owners() {
    Map<Integer, String> m = new HashMap<>();
    for (ShardLease l : store.listShardLeases()) {
      m.put(l.shardId(), l.owner());
    }
    return m;
  }

  @Test
  void aSingleNodeTakesEveryShard() {
    Events a = new Events();
    Ownership na = node("a", a);
    na.safeTick();
    assertThat(a.serving).hasSize(SHARDS);
    assertThat(na.isReady()).isTrue();
    assertThat(owners().values()).containsOnly("a");
    for (int s = 0; s < SHARDS; s++) {
      assertThat(na.ownerAddress(s)).isEqualTo("a:7233");
    }
  }

  @Test
  void aJoiningNodeGetsItsShareHandedOverWithoutOverlap() {
    Events a = new Events();
    Events b = new Events();
    Ownership na = node("a", a);
    Ownership nb = node("b", b);
    na.safeTick();
    nb.safeTick(); // b registers; a still holds everything, so b is not ready yet
    assertThat(b.serving).isEmpty();
    assertThat(nb.isReady()).isFalse();
    clock.advance(Duration.ofMillis(500));
    na.safeTick(); // a sees b and hands b's share over
    nb.safeTick(); // b takes it
    assertThat(a.serving).isNotEmpty();
    assertThat(b.serving).isNotEmpty();
    assertThat(a.serving).doesNotContainAnyElementsOf(b.serving);
    assertThat(a.serving.size() + b.serving.size()).isEqualTo(SHARDS);
    assertThat(na.isReady()).isTrue();
    assertThat(nb.isReady()).isTrue();
    // Both route every shard to the same node.
    clock.advance(Duration.ofMillis(500));
    na.safeTick();
    nb.safeTick();
    for (int s = 0; s < SHARDS; s++) {
      assertThat(na.ownerAddress(s)).isNotNull().isEqualTo(nb.ownerAddress(s));
    }
  }

  @Test
  void aSilentNodesShardsMoveAfterItsLeaseAndItIsFencedWhenItComesBack() {
    Events a = new Events();
    Events b = new Events();
    Ownership na = node("a", a);
    Ownership nb = node("b", b);
    na.safeTick();
    nb.safeTick();
    clock.advance(Duration.ofMillis(500));
    na.safeTick();
    nb.safeTick();
    Set<Integer> aShards = Set.copyOf(a.serving);
    Map<Integer, Long> aRanges = new HashMap<>();
    for (ShardLease l : store.listShardLeases()) {
      if ("a".equals(l.owner())) aRanges.put(l.shardId(), l.rangeId());
    }
    assertThat(aShards).isNotEmpty();

    // a stops ticking (paused). Before its lease runs out b must not take anything.
    clock.advance(Duration.ofMillis(2000));
    nb.safeTick();
    assertThat(b.serving).doesNotContainAnyElementsOf(aShards);
    // After the lease and the member timeout b takes all of a's shards with higher range ids.
    clock.advance(Duration.ofMillis(1600));
    nb.safeTick();
    assertThat(b.serving).hasSize(SHARDS);
    for (ShardLease l : store.listShardLeases()) {
      assertThat(l.owner()).isEqualTo("b");
      if (aRanges.containsKey(l.shardId())) {
        assertThat(l.rangeId()).isGreaterThan(aRanges.get(l.shardId()));
      }
    }
    // a resumes: its renewal fails, so it stops serving before doing anything else.
    na.safeTick();
    assertThat(a.log).contains("lost " + aShards.iterator().next());
    // Then, as a live member again, it gets its share back through a hand-over.
    clock.advance(Duration.ofMillis(500));
    nb.safeTick();
    na.safeTick();
    assertThat(a.serving).isNotEmpty();
    assertThat(a.serving).doesNotContainAnyElementsOf(b.serving);
    assertThat(a.serving.size() + b.serving.size()).isEqualTo(SHARDS);
  }

  @Test
  void gracefulCloseHandsEveryShardOverAtOnce() {
    Events a = new Events();
    Events b = new Events();
    Ownership na = node("a", a);
    Ownership nb = node("b", b);
    na.safeTick();
    nb.safeTick();
    clock.advance(Duration.ofMillis(500));
    na.safeTick();
    nb.safeTick();
    na.close();
    assertThat(a.serving).isEmpty();
    assertThat(store.listNodes()).extracting(n -> n.nodeId()).containsExactly("b");
    nb.safeTick(); // no lease to wait for
    assertThat(b.serving).hasSize(SHARDS);
  }

  @Test
  void rendezvousAssignmentIsBalancedAndStable() {
    List<String> three = List.of("n1", "n2", "n3");
    Map<String, Integer> counts = new HashMap<>();
    for (int s = 0; s < 64; s++) {
      counts.merge(Ownership.desiredOwner(three, s), 1, Integer::sum);
    }
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(10, 35));
    // Removing n3 moves only n3's shards.
    for (int s = 0; s < 64; s++) {
      String before = Ownership.desiredOwner(three, s);
      String after = Ownership.desiredOwner(List.of("n1", "n2"), s);
      if (!before.equals("n3")) {
        assertThat(after).isEqualTo(before);
      }
    }
  }
}
