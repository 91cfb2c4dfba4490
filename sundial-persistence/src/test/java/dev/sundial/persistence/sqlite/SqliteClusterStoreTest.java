package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.ClusterContractTest;
import java.nio.file.Path;

class SqliteClusterStoreTest extends ClusterContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
