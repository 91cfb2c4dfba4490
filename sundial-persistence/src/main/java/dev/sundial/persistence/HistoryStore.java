package dev.sundial.persistence;

import java.util.List;

/**
 * Reading a run's history (it is written by {@link ExecutionStore#commit}).
 */
public interface HistoryStore {

  /**
   * Batches of the run whose events overlap [fromEventId, ...), in event order, until at least
   * {@code maxEvents} events are covered (a batch is never split) or history ends. Events are
   * counted from {@code fromEventId}; the first batch is the one containing it. maxEvents below 1
   * counts as 1, so paging by (last batch's lastEventId + 1) always makes progress.
   */
  List<HistoryBatch> readHistory(
      String namespaceId, String runId, long fromEventId, int maxEvents);
}
