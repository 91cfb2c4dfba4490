package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What the parts of the store contract (ExecutionStoreContract, HistoryStoreContract, ...) share:
 * the store under test with shard {@link #SHARD} acquired, and helpers that build writes.
 * {@link StoreContractTest} implements every part for one store implementation.
 */
public interface StoreContractSupport {
  String NS = "ns-1";
  int SHARD = 3;

  Store store();

  /** The range under which this test holds {@link #SHARD}. */
  long range();

  Path dir();

  /** False for stores that lose their data on close (reopen tests are skipped). */
  boolean durable();

  default TestWrite write() {
    return new TestWrite(SHARD, range());
  }

  default ExecutionRecord exec(String wf, String run, long version, boolean running) {
    return new ExecutionRecord(NS, wf, run, SHARD, version, running, version * 10, bytes(run + version));
  }

  default CurrentExecution current(String wf, String run, boolean running) {
    return new CurrentExecution(NS, wf, run, running, "req-" + run);
  }

  default HistoryBatch batch(String run, long first, long last) {
    return new HistoryBatch(NS, run, first, last, bytes(run + ":" + first + "-" + last));
  }

  default byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  default TimerTask timer(long id, long fireAt) {
    return new TimerTask(id, SHARD, fireAt, NS, "wf", "r1", 2, bytes("t" + id));
  }

  default QueueTask queueTask(long id) {
    return new QueueTask(id, NS, "queue-a", QueueTask.KIND_ACTIVITY, "wf", "r1", id * 2,
        bytes("q" + id));
  }

  /** A new run: execution v1, current pointer that must be absent, first history batch. */
  default ExecutionWrite start(String wf, String run) {
    return write().execution(exec(wf, run, 1, true), 0).current(current(wf, run, true), null)
        .currentMustBeAbsent().history(batch(run, 1, 3)).build();
  }

  default ConflictException commitOne(ExecutionWrite w) {
    List<ConflictException> results = store().commit(List.of(w));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  default void ok(ExecutionWrite w) {
    assertThat(commitOne(w)).isNull();
  }
}
