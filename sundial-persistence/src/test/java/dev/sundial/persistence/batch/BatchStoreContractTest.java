package dev.sundial.persistence.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch_operations table contract; one subclass per store implementation. */
public abstract class BatchStoreContractTest {
  @TempDir protected Path dir;
  protected Store store;
  private BatchStore batches;

  protected abstract Store newStore(Path dir);

  @BeforeEach
  void open() {
    store = newStore(dir);
    batches = store.batches();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static BatchRecord rec(String ns, String id, boolean running, long start, String s) {
    return new BatchRecord(ns, id, running, start, s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void insertGetUpdateAndRunningJobs() {
    assertThat(batches.insertBatch(rec("ns", "j1", true, 100, "one"))).isTrue();
    assertThat(batches.insertBatch(rec("ns", "j1", false, 100, "dup"))).isFalse();
    assertThat(batches.insertBatch(rec("ns2", "j1", true, 50, "other ns"))).isTrue();
    assertThat(batches.getBatch("ns", "j1").orElseThrow())
        .usingRecursiveComparison().isEqualTo(rec("ns", "j1", true, 100, "one"));
    assertThat(batches.runningBatches()).extracting(BatchRecord::namespaceId)
        .containsExactly("ns2", "ns");
    batches.updateBatch(rec("ns", "j1", false, 100, "done"));
    assertThat(batches.getBatch("ns", "j1").orElseThrow().running()).isFalse();
    assertThat(batches.getBatch("ns", "j1").orElseThrow().state())
        .isEqualTo("done".getBytes(StandardCharsets.UTF_8));
    assertThat(batches.runningBatches()).extracting(BatchRecord::namespaceId)
        .containsExactly("ns2");
    assertThat(batches.getBatch("ns", "nope")).isEmpty();
  }

  @Test
  void listsNewestFirstWithACursor() {
    batches.insertBatch(rec("ns", "a", true, 10, "a"));
    batches.insertBatch(rec("ns", "b", true, 20, "b"));
    batches.insertBatch(rec("ns", "c", true, 20, "c"));
    batches.insertBatch(rec("ns", "d", true, 5, "d"));
    batches.insertBatch(rec("x", "e", true, 30, "e"));
    assertThat(batches.listBatches("ns", 0, null, 2)).extracting(BatchRecord::jobId)
        .containsExactly("c", "b");
    assertThat(batches.listBatches("ns", 20, "b", 10)).extracting(BatchRecord::jobId)
        .containsExactly("a", "d");
  }
}
