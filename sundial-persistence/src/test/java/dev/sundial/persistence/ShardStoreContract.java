package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part ShardStore: Shard ownership on a single node: acquiring a shard fences older owners; writes need the current range.
 */
public interface ShardStoreContract extends StoreContractSupport {
  // ---- shards

  @Test
  default void acquireShardFencesOlderOwners() {
    assertThat(range()).isEqualTo(1);
    ok(start("wf", "r1"));
    long newer = store().acquireShard(SHARD, "node-b");
    assertThat(newer).isEqualTo(2);
    ConflictException c = commitOne(write().execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(c).hasMessageContaining("range id 2").hasMessageContaining("carries 1");
    assertThat(commitOne(ExecutionWrite.deletions(SHARD, range(), List.of(1L), List.of()))).isNotNull();
    ok(new TestWrite(SHARD, newer).execution(exec("wf", "r1", 2, false), 1).build());
    assertThat(store().getExecution(NS, "wf", "r1").orElseThrow().running()).isFalse();
  }

  @Test
  default void writeToUnacquiredShardConflicts() {
    assertThat(commitOne(ExecutionWrite.deletions(99, 1, List.of(), List.of())))
        .hasMessageContaining("never acquired");
  }
}
