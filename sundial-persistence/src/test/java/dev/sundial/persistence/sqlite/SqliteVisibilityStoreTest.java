package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.VisibilityStoreContractTest;
import java.nio.file.Path;

class SqliteVisibilityStoreTest extends VisibilityStoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
