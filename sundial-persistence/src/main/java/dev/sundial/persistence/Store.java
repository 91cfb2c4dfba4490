package dev.sundial.persistence;

import dev.sundial.persistence.access.ApiKeyStore;
import dev.sundial.persistence.access.UserStore;
import dev.sundial.persistence.audit.AuditStore;
import dev.sundial.persistence.batch.BatchStore;
import dev.sundial.persistence.schedule.ScheduleStore;
import dev.sundial.persistence.visibility.VisibilityStore;

/**
 * The persistence SPI: one store, split by concern ({@link ExecutionStore}, {@link HistoryStore},
 * {@link TaskStore}, {@link NamespaceStore}, {@link ShardStore}; visibility, schedules and batch
 * jobs have stores of their own). Implementations are thread-safe. Reads may run concurrently
 * with a commit and see only committed data. {@link ExecutionStore#commit} is the group-commit
 * entry point: all writes of the batch are committed in one database transaction (fsync'd before
 * returning), each write either fully applied or, if one of its conditions fails, fully skipped
 * and reported.
 */
public interface Store
    extends ExecutionStore, HistoryStore, TaskStore, NamespaceStore, ShardStore, AutoCloseable {

  // ---- visibility
  /**
   * Visibility queries and the search attribute registry. Visibility rows themselves are written
   * by {@link ExecutionStore#commit} (see {@link ExecutionWrite#visibility()}) and deleted by
   * {@link ExecutionStore#deleteExecution}.
   */
  default VisibilityStore visibility() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no visibility");
  }

  // ---- schedules
  /** The schedules table (see ScheduleStore); a store without one throws UnsupportedOperationException. */
  default ScheduleStore schedules() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no schedules");
  }

  // ---- batch operations
  /** The batch jobs table (see BatchStore); a store without one throws UnsupportedOperationException. */
  default BatchStore batches() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no batches");
  }

  // ---- access
  /** The API keys table (see ApiKeyStore); a store without one throws UnsupportedOperationException. */
  default ApiKeyStore apiKeys() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no API keys");
  }

  /** The audit log (see AuditStore); a store without one throws UnsupportedOperationException. */
  default AuditStore audit() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no audit log");
  }

  /** The UI users table (see UserStore); a store without one throws UnsupportedOperationException. */
  default UserStore users() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no users");
  }

  @Override
  void close();
}
