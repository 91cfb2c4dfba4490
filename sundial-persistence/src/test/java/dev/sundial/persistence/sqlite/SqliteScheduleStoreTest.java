package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.schedule.ScheduleStoreTest;
import java.nio.file.Path;

class SqliteScheduleStoreTest extends ScheduleStoreTest {
  @Override
  protected Store newStore(Path dir) {
    return SqliteStore.open(dir.resolve("sundial.db"));
  }
}
