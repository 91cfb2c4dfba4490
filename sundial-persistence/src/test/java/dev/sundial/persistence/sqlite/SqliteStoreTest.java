package dev.sundial.persistence.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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

  @Test
  void reopeningDoesNotReapplyMigrations() {
    store.close();
    store = newStore(dir); // would fail with "table already exists" if V1 ran again
    assertThat(store.listNamespaces()).isEmpty();
  }

  @Test
  void openWithoutMigrateRequiresTheLatestSchema() {
    Path empty = dir.resolve("empty.db");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteStore.open(empty, false))
        .isInstanceOf(dev.sundial.persistence.StoreException.class)
        .hasMessageContaining("sundial db migrate");
    assertThat(Files.exists(empty)).isFalse();
    // An older schema (here: none at all) is refused too.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + empty)) {
      c.createStatement().execute("CREATE TABLE unrelated (x INTEGER)");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteStore.open(empty, false))
        .hasMessageContaining("schema version is 0").hasMessageContaining("sundial db migrate");
    assertThat(SqliteStore.migrate(empty)).isEqualTo(6);
    assertThat(SqliteStore.migrate(empty)).isEqualTo(6);
    try (SqliteStore s = SqliteStore.open(empty, false)) {
      assertThat(s.schemaVersion()).isEqualTo(6);
    }
  }
}
