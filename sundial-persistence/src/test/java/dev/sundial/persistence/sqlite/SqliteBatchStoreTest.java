package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.batch.BatchStoreContractTest;
import java.nio.file.Path;

class SqliteBatchStoreTest extends BatchStoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
