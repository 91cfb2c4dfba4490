package dev.sundial.persistence;

/**
 * Rejects malformed {@link ExecutionWrite}s (engine bugs) before they reach a transaction, so one
 * bad write fails alone instead of failing a whole group-commit batch.
 */
public final class WriteValidator {
  private WriteValidator() {}

  /** Throws IllegalArgumentException naming the problem. */
  public static void check(ExecutionWrite w) {
    if (w == null) {
      throw new IllegalArgumentException("write is null");
    }
    ExecutionRecord e = w.execution();
    if (e != null) {
      if (e.namespaceId() == null || e.workflowId() == null || e.runId() == null) {
        throw new IllegalArgumentException("execution needs namespaceId, workflowId and runId");
      }
      if (e.dbVersion() != w.expectedDbVersion() + 1) {
        throw new IllegalArgumentException(
            "execution dbVersion must be expectedDbVersion + 1, got "
                + e.dbVersion() + " with expected " + w.expectedDbVersion());
      }
      if (e.shardId() != w.shardId()) {
        throw new IllegalArgumentException(
            "execution shardId " + e.shardId() + " differs from write shardId " + w.shardId());
      }
    }
    CurrentExecution c = w.current();
    if (c != null && (c.namespaceId() == null || c.workflowId() == null || c.runId() == null)) {
      throw new IllegalArgumentException("current needs namespaceId, workflowId and runId");
    }
    if (c == null && e == null && (w.currentMustBeAbsent() || w.expectedCurrentRunId() != null)) {
      throw new IllegalArgumentException(
          "a current-run condition needs current or execution to name the workflow");
    }
    for (ExecutionWrite l : w.linked()) {
      check(l);
    }
    for (HistoryBatch b : w.history()) {
      if (b.firstEventId() < 1 || b.lastEventId() < b.firstEventId() || b.events() == null) {
        throw new IllegalArgumentException(
            "bad history batch [" + b.firstEventId() + ", " + b.lastEventId() + "]");
      }
    }
  }
}
