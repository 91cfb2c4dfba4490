package dev.sundial.persistence;

import java.util.List;
import java.util.Optional;

/**
 * Runs and their current-run pointers: the group-commit entry point {@link #commit} (every write
 * of an operation, history and outbox rows included), reads of runs, deletion, and write health.
 */
public interface ExecutionStore {

  /**
   * Commits a batch of writes in one transaction. Returns one entry per write, in order: null when
   * applied, or the {@link ConflictException} that made the store skip it. Throws
   * {@link StoreException} if the transaction itself failed (then nothing was committed), and
   * IllegalArgumentException, before touching the database, if a write is malformed (see
   * {@link WriteValidator}). A unique-key violation inside a write (e.g. a task id or history
   * batch that already exists) is reported as that write's conflict.
   */
  List<ConflictException> commit(List<ExecutionWrite> writes);

  Optional<ExecutionRecord> getExecution(String namespaceId, String workflowId, String runId);

  Optional<CurrentExecution> getCurrentExecution(String namespaceId, String workflowId);

  /**
   * Runs of the shard that are still running, for recovery scans, ordered by runId: pass the last
   * runId of the previous page (null for the first page). Run ids are assumed globally unique.
   */
  List<ExecutionRecord> listRunningExecutions(int shardId, int limit, String afterRunId);

  /**
   * Deletes one run everywhere: its state, history, outbox rows, visibility row, and the
   * current-run pointer when it points at this run. Idempotent.
   */
  void deleteExecution(String namespaceId, String workflowId, String runId);

  /**
   * Why the last write failed (e.g. the disk is full), or null when the last write succeeded.
   * Readiness reports it; it clears on the next successful write.
   */
  default String writeProblem() {
    return null;
  }

  /**
   * A harmless write, made while {@link #writeProblem()} is set so that readiness comes back when
   * the cause is gone even if no client writes meanwhile (clients that follow readiness would not).
   * Updates {@link #writeProblem()} like any write; throws like any write when it fails.
   */
  default void probeWrite() {}
}
