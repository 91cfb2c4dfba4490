package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.StoreException;
import dev.sundial.persistence.jdbc.JdbcStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded/standalone store: one SQLite file in WAL mode with synchronous=FULL, so a commit
 * returns only after fsync. One writer connection, {@value #READERS} read-only connections, and
 * one that checkpoints the WAL in the background.
 */
public final class SqliteStore extends JdbcStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);
  static final int READERS = 4;
  private static final int BUSY_TIMEOUT_MS = 10_000;

  /**
   * WAL pages (4 KB) at which a commit checkpoints itself: 32 MB, against SQLite's default of 1000
   * pages (4 MB), since the WalCheckpointer copies frames in the background every second.
   */
  static final int WRITER_CHECKPOINT_PAGES = 8192;
  /** WAL size kept on disk after a checkpoint lets the writer start the WAL over. */
  private static final long WAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;
  private final WalCheckpointer checkpointer; // null in memory

  private SqliteStore(
      Connection writer, List<Connection> readers, Connection checkpoints, boolean migrate) {
    super(new SqliteDialect(), writer, readers, migrate);
    this.checkpointer = checkpoints == null
        ? null
        : new WalCheckpointer(checkpoints);
  }

  @Override
  public void close() {
    if (checkpointer != null) {
      checkpointer.close();
    }
    super.close();
  }

  /** Opens (creating if needed, with parent directories) and migrates the database file. */
  public static SqliteStore open(Path file) {
    return open(file, true);
  }

  /**
   * Applies the missing migrations to the database file (creating it if needed) and returns its
   * schema version.
   */
  public static int migrate(Path file) {
    try (SqliteStore store = open(file, true)) {
      return store.schemaVersion();
    }
  }

  /**
   * Opens (creating if needed, with parent directories) the database file. With migrate, applies
   * the missing migrations; without, the schema must already be at the latest version this build
   * knows, else a StoreException says to run {@code sundial db migrate}.
   */
  public static SqliteStore open(Path file, boolean migrate) {
    return open(file, migrate, WRITER_CHECKPOINT_PAGES);
  }

  /** As {@link #open(Path, boolean)}, with the WAL size (in pages) at which the writer checkpoints. */
  static SqliteStore open(Path file, boolean migrate, int writerCheckpointPages) {
    List<Connection> opened = new ArrayList<>();
    try {
      Path absolute = file.toAbsolutePath();
      if (!migrate && !Files.exists(absolute)) {
        // Do not leave an empty database file behind for a check that can only fail.
        throw new StoreException("SQLite database " + file + " does not exist: run"
            + " `sundial db migrate` first", null);
      }
      if (absolute.getParent() != null) {
        Files.createDirectories(absolute.getParent());
      }
      String url = "jdbc:sqlite:" + absolute;
      SQLiteConfig writerConfig = new SQLiteConfig();
      writerConfig.setJournalMode(SQLiteConfig.JournalMode.WAL);
      writerConfig.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      writerConfig.setBusyTimeout(BUSY_TIMEOUT_MS);
      writerConfig.setJournalSizeLimit((int) WAL_SIZE_LIMIT_BYTES);
      Connection writer = DriverManager.getConnection(url, writerConfig.toProperties());
      opened.add(writer);
      // Checkpoints run on their own connection (WalCheckpointer); a commit checkpoints only
      // when the WAL got large anyway (writes outpacing it), to let the WAL start over.
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA wal_autocheckpoint=" + writerCheckpointPages);
      }
      checkPragma(writer, "journal_mode", "wal");
      checkPragma(writer, "synchronous", "2");
      SQLiteConfig checkpointConfig = new SQLiteConfig();
      checkpointConfig.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      checkpointConfig.setBusyTimeout(BUSY_TIMEOUT_MS);
      Connection checkpoints = DriverManager.getConnection(url, checkpointConfig.toProperties());
      opened.add(checkpoints);
      // Readers are opened after the writer has switched the file to WAL (it creates -wal/-shm).
      List<Connection> readers = new ArrayList<>();
      for (int i = 0; i < READERS; i++) {
        SQLiteConfig readerConfig = new SQLiteConfig();
        readerConfig.setReadOnly(true);
        readerConfig.setBusyTimeout(BUSY_TIMEOUT_MS);
        Connection reader = DriverManager.getConnection(url, readerConfig.toProperties());
        opened.add(reader);
        readers.add(reader);
      }
      return new SqliteStore(writer, readers, checkpoints, migrate);
    } catch (IOException | SQLException e) {
      closeAll(opened);
      throw new StoreException("cannot open SQLite database " + file + ": " + e.getMessage(), e);
    }
  }

  /** A private in-memory database (tests, ephemeral dev servers); one connection for everything. */
  public static SqliteStore openInMemory() {
    try {
      return new SqliteStore(
          DriverManager.getConnection("jdbc:sqlite::memory:"), List.of(), null, true);
    } catch (SQLException e) {
      throw new StoreException("cannot open in-memory SQLite database", e);
    }
  }

  private static void checkPragma(Connection c, String pragma, String expected)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
      String actual = rs.next() ? rs.getString(1) : null;
      if (!expected.equalsIgnoreCase(actual)) {
        // e.g. WAL is unsupported on some network file systems; still correct, just slower.
        log.warn("SQLite PRAGMA {} is {}, expected {}", pragma, actual, expected);
      }
    }
  }

  private static void closeAll(List<Connection> connections) {
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
    }
  }
}
