package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.audit.AuditStoreContractTest;
import java.nio.file.Path;

class SqliteAuditStoreTest extends AuditStoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
