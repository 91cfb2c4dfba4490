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
}
