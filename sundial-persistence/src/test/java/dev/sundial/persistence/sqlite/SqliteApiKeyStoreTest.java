package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.access.ApiKeyStoreContractTest;
import java.nio.file.Path;

class SqliteApiKeyStoreTest extends ApiKeyStoreContractTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
