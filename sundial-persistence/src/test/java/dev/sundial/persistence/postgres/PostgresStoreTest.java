package dev.sundial.persistence.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreContractTest;
import dev.sundial.persistence.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContractTest {
  private PgTestSchema schema;

  @BeforeAll
  static void requirePostgres() {
    PgTestSchema.baseConfig(); // skips the class when SUNDIAL_TEST_PG_URL is not set
  }

  @Override
  protected Store newStore(Path dir) {
    if (schema == null) {
      schema = PgTestSchema.fresh();
    }
    return PostgresStore.open(schema.config(), true);
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      store.close();
      schema.close();
    }
  }

  @Test
  void migrateIsIdempotentAndOpenWithoutMigrateChecksTheVersion() throws Exception {
    int latest = PostgresStore.migrate(schema.config());
    assertThat(latest).isEqualTo(((PostgresStore) store).schemaVersion()).isGreaterThanOrEqualTo(5);
    try (Store s = PostgresStore.open(schema.config(), false)) {
      assertThat(s.listNamespaces()).isEmpty();
    }
    try (PgTestSchema empty = PgTestSchema.fresh()) {
      assertThatThrownBy(() -> PostgresStore.open(empty.config(), false))
          .isInstanceOf(StoreException.class).hasMessageContaining("sundial db migrate");
    }
    try (Connection c = schema.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(rs.getInt(2)); // each version applied once
    }
  }

  @Test
  void aBrokenWriterConnectionIsReplaced() throws Exception {
    ok(start("wf", "r1"));
    // Kill every server session of this store, as a PostgreSQL restart would.
    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
          + " WHERE application_name = 'sundial/" + schema.config().schema() + "'");
    }
    ExecutionWrite next = new ExecutionWrite(SHARD, range, exec("wf", "r1", 2, true), 1, null,
        null, false, null, null, null, null, null);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        assertThat(store.commit(List.of(next))).containsOnlyNulls();
        break;
      } catch (StoreException e) {
        // The write that hit the dead connection fails; a later one must succeed.
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
    assertThat(store.getExecution(NS, "wf", "r1").orElseThrow().dbVersion()).isEqualTo(2);
  }

  @Test
  void tryAcquireWaitsForAnInFlightCommitOfTheOldOwner() throws Exception {
    // An in-flight commit of the current owner: the fencing read (FOR SHARE) is done, the rows
    // are not committed yet.
    try (Connection owner = schema.connect(); Statement s = owner.createStatement()) {
      owner.setAutoCommit(false);
      try (ResultSet rs = s.executeQuery(
          "SELECT range_id FROM shards WHERE shard_id = " + SHARD + " FOR SHARE")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(range);
      }
      s.executeUpdate("INSERT INTO timer_tasks (task_id, shard_id, fire_at, namespace_id,"
          + " workflow_id, run_id, kind) VALUES (77, " + SHARD + ", 1, 'ns', 'w', 'r', 0)");
      CompletableFuture<Optional<ShardLease>> taken = CompletableFuture.supplyAsync(
          () -> store.tryAcquireShard(SHARD, "node-b", System.currentTimeMillis(), 10_000));
      // Poll until the acquire is blocked on the row lock (not a timing assumption).
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!waitingOnLock()) {
        assertThat(System.nanoTime()).as("tryAcquireShard never waited on the lock")
            .isLessThan(deadline);
        assertThat(taken).isNotDone();
        Thread.onSpinWait();
      }
      assertThat(taken).isNotDone();
      owner.commit();
      assertThat(taken.get(30, TimeUnit.SECONDS).orElseThrow().rangeId()).isEqualTo(range + 1);
    }
    // The old owner's write landed before the take-over; the next one is fenced.
    assertThat(store.loadShardTimers(SHARD, Long.MAX_VALUE, 10)).hasSize(1);
    assertThat(commitOne(start("wf", "r1"))).hasMessageContaining("range id");
  }

  private boolean waitingOnLock() throws Exception {
    try (Connection c = schema.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
            + " WHERE application_name = 'sundial/" + schema.config().schema() + "'"
            + " AND wait_event_type = 'Lock'")) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  @Test
  void unreachableDatabaseIsAClearError() {
    PostgresConfig bad = PostgresConfig.parse("postgres://u:secret@127.0.0.1:1/nope");
    assertThatThrownBy(() -> PostgresStore.open(bad, true))
        .isInstanceOf(StoreException.class).hasMessageContaining("cannot connect")
        .hasMessageNotContaining("secret");
  }
}
