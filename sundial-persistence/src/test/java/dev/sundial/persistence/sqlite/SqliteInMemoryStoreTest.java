package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreContractTest;
import java.nio.file.Path;

class SqliteInMemoryStoreTest extends StoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.openInMemory();
  }

  @Override
  public boolean durable() {
    return false;
  }
}
