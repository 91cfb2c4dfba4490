package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part HistoryStore: History batches: written with their run, read back in pages, a duplicate batch a conflict of its write only.
 */
public interface HistoryStoreContract extends StoreContractSupport {
  @Test
  default void duplicateHistoryBatchIsAConflictOfThatWriteOnly() {
    ok(start("wf", "r1"));
    ExecutionWrite dup = write().execution(exec("wf", "r1", 2, true), 1)
        .history(batch("r1", 1, 3)).build();
    List<ConflictException> results = store().commit(List.of(dup, start("x", "rx")));
    assertThat(results.get(0)).isNotNull();
    assertThat(results.get(1)).isNull();
    assertThat(store().getExecution(NS, "wf", "r1").orElseThrow().dbVersion()).isEqualTo(1);
    assertThat(store().getExecution(NS, "x", "rx")).isPresent();
  }

  // ---- history

  @Test
  default void historyPagesOverManyBatches() {
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
    assertThat(store().readHistory(NS, "r1", 23, 10)).extracting(HistoryBatch::firstEventId)
        .containsExactly(19L, 24L, 29L); // 19..23 holds event 23: 1 + 5 + 5 events >= 10
    assertThat(store().readHistory(NS, "r1", 19, 10)).extracting(HistoryBatch::firstEventId)
        .containsExactly(19L, 24L);

    List<HistoryBatch> all = new ArrayList<>();
    for (long from = 1; ; ) {
      List<HistoryBatch> page = store().readHistory(NS, "r1", from, 7);
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
    assertThat(store().readHistory(NS, "r1", lastEvent + 1, 10)).isEmpty();
    assertThat(store().readHistory(NS, "r2", 1, 10)).isEmpty();
  }
}
