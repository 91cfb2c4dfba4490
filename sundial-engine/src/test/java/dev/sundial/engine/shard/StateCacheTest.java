package dev.sundial.engine.shard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.engine.state.MutableState;
import org.junit.jupiter.api.Test;

class StateCacheTest {
  private static MutableState state(int encodedBytes) {
    MutableState s = new MutableState();
    s.encodedBytes = encodedBytes;
    return s;
  }

  private static RunKey key(int i) {
    return new RunKey("ns", "wf-" + i, "run");
  }

  @Test
  void evictsTheLeastRecentlyUsedPastTheByteBound() {
    StateCache cache = new StateCache(1_000, 5_000_000);
    for (int i = 0; i < 4; i++) {
      cache.put(key(i), state(2_000_000)); // a run started with a 2 MB input
    }
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.bytes()).isEqualTo(4_000_000);
    assertThat(cache.get(key(0))).isNull();
    assertThat(cache.get(key(3))).isNotNull();
  }

  @Test
  void evictsPastTheCountBoundAndReweighsAStatePutAgain() {
    StateCache cache = new StateCache(3, Long.MAX_VALUE);
    MutableState first = state(10);
    cache.put(key(0), first);
    cache.put(key(1), state(10));
    cache.put(key(2), state(10));
    cache.get(key(0)); // used: now the most recent
    cache.put(key(3), state(10));
    assertThat(cache.get(key(1))).isNull();
    assertThat(cache.get(key(0))).isSameAs(first);
    assertThat(cache.bytes()).isEqualTo(3 * 1_024); // small states weigh at least 1 KB
    first.encodedBytes = 50_000; // the state grew and was written again
    cache.put(key(0), first);
    assertThat(cache.bytes()).isEqualTo(50_000 + 2 * 1_024);
    cache.remove(key(0));
    assertThat(cache.bytes()).isEqualTo(2 * 1_024);
  }

  @Test
  void aStateLargerThanTheBoundStaysAlone() {
    StateCache cache = new StateCache(10, 1_000_000);
    cache.put(key(0), state(100));
    cache.put(key(1), state(3_000_000));
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.get(key(1))).isNotNull();
  }
}
