package dev.sundial.persistence.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreContractTest;
import dev.sundial.persistence.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends StoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("nested/dir/sundial.db"));
  }

  @Test
  void createsParentDirectoriesUsesWalAndRecordsTheSchemaVersion() throws Exception {
    Path file = dir.resolve("nested/dir/sundial.db");
    assertThat(Files.exists(file)).isTrue();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
      }
      try (ResultSet rs = s.executeQuery("SELECT MAX(version), COUNT(*) FROM schema_version")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(2); // V2 added visibility
        assertThat(rs.getInt(2)).isEqualTo(rs.getInt(1)); // every version applied once
      }
    }
  }

  /**
   * Commits do not checkpoint below a large WAL (a checkpoint inside a commit makes it, and every
   * caller waiting on it, as slow as writing and fsync'ing the database file); a background
   * connection does. With writes well below that bound, the database file grows while the store
   * is open only through it.
   */
  @Test
  void theWalIsCheckpointedWhileTheStoreIsOpen() throws Exception {
    Path file = dir.resolve("nested/dir/sundial.db");
    long before = Files.size(file);
    byte[] blob = new byte[256 * 1024];
    new Random(7).nextBytes(blob);
    ok(start("wf", "r1"));
    for (int i = 0; i < 80; i++) { // 20 MB in 80 commits: 5,000+ WAL pages
      ok(new ExecutionWrite(SHARD, range, null, 0, null, null, false,
          List.of(new HistoryBatch(NS, "r1", i + 10, i + 10, blob)),
          List.of(), List.of(), List.of(), List.of()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.size(file) < before + 15L * 1024 * 1024) {
      assertThat(System.nanoTime()).as("database file grew within 30 s").isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(20); // polling a condition
    }
    assertThat(store.readHistory(NS, "r1", 89, 1).get(0).events()).isEqualTo(blob);
  }

  /**
   * Under sustained writes a passive background checkpoint rarely catches up with the writer;
   * past a bound the writer checkpoints (the rest) itself and the WAL starts over, so the WAL
   * file stays bounded.
   */
  @Test
  void theWalStaysBoundedUnderSustainedWrites() throws Exception {
    store.close();
    Path file = dir.resolve("bounded.db");
    store = SqliteStore.open(file, true, 512); // the writer checkpoints past 2 MB of WAL
    range = store.acquireShard(SHARD, "node-a");
    ok(start("wf", "r1"));
    byte[] blob = new byte[64 * 1024];
    new Random(11).nextBytes(blob);
    long written = 0;
    long maxWal = 0;
    // ~5 MB/s, a busy server's rate, for 6 s: checkpoints run every second meanwhile.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    for (int i = 0; System.nanoTime() < end; i++) {
      TimeUnit.MILLISECONDS.sleep(12); // pacing the writer, not waiting
      ok(new ExecutionWrite(SHARD, range, null, 0, null, null, false,
          List.of(new HistoryBatch(NS, "r1", i + 10, i + 10, blob)),
          List.of(), List.of(), List.of(), List.of()));
      written += blob.length;
      maxWal = Math.max(maxWal, Files.size(dir.resolve("bounded.db-wal")));
    }
    assertThat(written).as("written").isGreaterThan(16L * 1024 * 1024);
    assertThat(maxWal).as("largest WAL seen, %d bytes written", written)
        .isLessThan(written / 2);
  }

  @Test
  void reopeningDoesNotReapplyMigrations() {
    store.close();
    store = newStore(dir); // would fail with "table already exists" if V1 ran again
    assertThat(store.listNamespaces()).isEmpty();
  }

  @Test
  void openWithoutMigrateRequiresTheLatestSchema() {
    Path empty = dir.resolve("empty.db");
    Assertions.assertThatThrownBy(() -> SqliteStore.open(empty, false))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("sundial db migrate");
    assertThat(Files.exists(empty)).isFalse();
    // An older schema (here: none at all) is refused too.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + empty)) {
      c.createStatement().execute("CREATE TABLE unrelated (x INTEGER)");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    Assertions.assertThatThrownBy(() -> SqliteStore.open(empty, false))
        .hasMessageContaining("schema version is 0").hasMessageContaining("sundial db migrate");
    assertThat(SqliteStore.migrate(empty)).isEqualTo(9);
    assertThat(SqliteStore.migrate(empty)).isEqualTo(9);
    try (SqliteStore s = SqliteStore.open(empty, false)) {
      assertThat(s.schemaVersion()).isEqualTo(9);
    }
  }
}
