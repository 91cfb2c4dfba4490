package dev.sundial.persistence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Varargs shorthands over {@link ExecutionWrite.Builder} for the contract tests; it builds the
 * record directly so that a test can also write what the validating builder refuses.
 */
final class TestWrite {
  private final int shardId;
  private final long rangeId;
  private ExecutionRecord execution;
  private long expectedDbVersion;
  private CurrentExecution current;
  private String expectedCurrentRunId;
  private boolean currentMustBeAbsent;
  private final List<HistoryBatch> history = new ArrayList<>();
  private final List<TimerTask> timers = new ArrayList<>();
  private final List<Long> timersToDelete = new ArrayList<>();
  private final List<QueueTask> queueTasks = new ArrayList<>();
  private final List<Long> queueTasksToDelete = new ArrayList<>();

  TestWrite(int shardId, long rangeId) {
    this.shardId = shardId;
    this.rangeId = rangeId;
  }

  TestWrite execution(ExecutionRecord e, long expected) {
    execution = e;
    expectedDbVersion = expected;
    return this;
  }

  TestWrite current(CurrentExecution c, String expectedRunId) {
    current = c;
    expectedCurrentRunId = expectedRunId;
    return this;
  }

  TestWrite currentMustBeAbsent() {
    currentMustBeAbsent = true;
    return this;
  }

  TestWrite history(HistoryBatch... batches) {
    history.addAll(Arrays.asList(batches));
    return this;
  }

  TestWrite timers(TimerTask... tasks) {
    timers.addAll(Arrays.asList(tasks));
    return this;
  }

  TestWrite deleteTimers(Long... ids) {
    timersToDelete.addAll(Arrays.asList(ids));
    return this;
  }

  TestWrite queueTasks(QueueTask... tasks) {
    queueTasks.addAll(Arrays.asList(tasks));
    return this;
  }

  TestWrite deleteQueueTasks(Long... ids) {
    queueTasksToDelete.addAll(Arrays.asList(ids));
    return this;
  }

  ExecutionWrite build() {
    return new ExecutionWrite(shardId, rangeId, execution, expectedDbVersion, current,
        expectedCurrentRunId, currentMustBeAbsent, history, timers, timersToDelete, queueTasks,
        queueTasksToDelete);
  }
}
