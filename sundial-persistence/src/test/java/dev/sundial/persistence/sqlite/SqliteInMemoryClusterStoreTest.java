package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.ClusterContractTest;
import dev.sundial.persistence.Store;
import java.nio.file.Path;

class SqliteInMemoryClusterStoreTest extends ClusterContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.openInMemory();
  }

  @Override
  public boolean durable() {
    return false;
  }
}
