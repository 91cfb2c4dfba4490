package dev.sundial.persistence.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed WAL frames into the database file on its own connection and thread. SQLite's
 * automatic checkpoint runs inside the commit that crosses the threshold, so that one commit (and
 * every caller waiting on it) pays for writing and fsync'ing the database file: hundreds of
 * milliseconds on a slow disk. The writer has automatic checkpoints off; this runs a PASSIVE
 * checkpoint, which never blocks the writer or readers, every {@value #INTERVAL_MS} ms.
 * Durability does not depend on it: every commit is already fsync'd in the WAL.
 *
 * <p>Under sustained writes a passive checkpoint rarely catches up with the writer, and SQLite
 * starts the WAL over only after one did. So the writer keeps an automatic checkpoint, but at a
 * much larger WAL ({@link SqliteStore}): when it runs, this thread has already copied nearly every
 * frame, and the commit that runs it only copies the rest, syncs, and lets the WAL start over.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  static final long INTERVAL_MS = 1000;

  private final Connection connection;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sundial-wal-checkpoint");
        t.setDaemon(true);
        return t;
      });
  private long failures;

  WalCheckpointer(Connection connection) {
    this.connection = connection;
    thread.scheduleWithFixedDelay(this::checkpoint, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  private void checkpoint() {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException e) {
      // Harmless (the next round retries, and the WAL keeps every commit meanwhile); say it
      // once in a while, not every second.
      if (failures++ % 60 == 0) {
        log.warn("WAL checkpoint failed (will retry): {}", e.getMessage());
      }
    }
  }

  /** Stops the thread and closes the connection, before the writer's close checkpoints last. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("closing the WAL checkpoint connection failed: {}", e.getMessage());
    }
  }
}
