package dev.sundial.engine.shard;

import dev.sundial.persistence.TaskStore;

/**
 * Hands out outbox task ids from blocks reserved in the store, so ids stay unique across restarts
 * and across the nodes of a cluster without a database round trip per task.
 */
public final class TaskIds {
  private static final int BLOCK = 10_000;
  private final TaskStore store;
  private long next;
  private long end; // exclusive

  public TaskIds(TaskStore store) {
    this.store = store;
  }

  public synchronized long next() {
    if (next >= end) {
      next = store.reserveTaskIds(BLOCK);
      end = next + BLOCK;
    }
    return next++;
  }
}
