package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.VisibilityStoreContractTest;
import java.nio.file.Path;

class SqliteInMemoryVisibilityStoreTest extends VisibilityStoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.openInMemory();
  }

  @Override
  public boolean durable() {
    return false;
  }
}
