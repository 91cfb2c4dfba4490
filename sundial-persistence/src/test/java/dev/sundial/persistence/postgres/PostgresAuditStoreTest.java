package dev.sundial.persistence.postgres;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.audit.AuditStoreContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

class PostgresAuditStoreTest extends AuditStoreContractTest {
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
}
