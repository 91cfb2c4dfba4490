package dev.sundial.persistence.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schedules table contract: conditional writes, fencing, paging, wake-ups. One subclass per
 * store implementation.
 */
public abstract class ScheduleStoreTest {
  private static final int SHARD = 2;

  @TempDir protected Path dir;
  protected Store store;
  private ScheduleStore schedules;
  private long range;

  protected abstract Store newStore(Path dir);

  @BeforeEach
  void open() {
    store = newStore(dir);
    schedules = store.schedules();
    range = store.acquireShard(SHARD, "node");
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ScheduleRecord rec(String id, long version, long wakeup, String state) {
    return new ScheduleRecord("ns", id, SHARD, version, wakeup, state.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void insertUpdateDeleteWithVersions() {
    schedules.writeSchedule(range, rec("a", 1, 100, "one"), 0);
    assertThatThrownBy(() -> schedules.writeSchedule(range, rec("a", 1, 100, "again"), 0))
        .isInstanceOf(ConflictException.class).hasMessageContaining("already exists");
    schedules.writeSchedule(range, rec("a", 2, ScheduleRecord.NO_WAKEUP, "two"), 1);
    assertThatThrownBy(() -> schedules.writeSchedule(range, rec("a", 2, 5, "stale"), 1))
        .isInstanceOf(ConflictException.class);
    ScheduleRecord r = schedules.getSchedule("ns", "a").orElseThrow();
    assertThat(r.version()).isEqualTo(2);
    assertThat(r.nextWakeupMillis()).isEqualTo(ScheduleRecord.NO_WAKEUP);
    assertThat(new String(r.state(), StandardCharsets.UTF_8)).isEqualTo("two");
    assertThatThrownBy(() -> schedules.deleteSchedule(SHARD, range, "ns", "a", 1))
        .isInstanceOf(ConflictException.class);
    schedules.deleteSchedule(SHARD, range, "ns", "a", 2);
    assertThat(schedules.getSchedule("ns", "a")).isEmpty();
    assertThatThrownBy(() -> schedules.writeSchedule(range, rec("b", 2, 1, "x"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesCarryingAnOldRangeIdAreRejected() {
    schedules.writeSchedule(range, rec("a", 1, 100, "one"), 0);
    long newer = store.acquireShard(SHARD, "other-node");
    assertThatThrownBy(() -> schedules.writeSchedule(range, rec("a", 2, 100, "two"), 1))
        .isInstanceOf(ConflictException.class).hasMessageContaining("range id");
    schedules.writeSchedule(newer, rec("a", 2, 100, "two"), 1);
  }

  @Test
  void listsPagesAndWakeupsSurviveReopen() {
    for (String id : List.of("c", "a", "b", "d")) {
      schedules.writeSchedule(range, rec(id, 1, id.equals("d") ? ScheduleRecord.NO_WAKEUP : id.charAt(0), id), 0);
    }
    assertThat(schedules.listSchedules("ns", "", 2)).extracting(ScheduleRecord::scheduleId)
        .containsExactly("a", "b");
    assertThat(schedules.listSchedules("ns", "b", 10)).extracting(ScheduleRecord::scheduleId)
        .containsExactly("c", "d");
    assertThat(schedules.listSchedules("other", "", 10)).isEmpty();
    store.close();
    store = newStore(dir);
    schedules = store.schedules();
    assertThat(schedules.scheduleWakeups(Long.MAX_VALUE, 10)).extracting(ScheduleWakeup::scheduleId)
        .containsExactly("a", "b", "c");
    assertThat(schedules.scheduleWakeups('b', 10)).extracting(ScheduleWakeup::wakeupMillis)
        .containsExactly((long) 'a');
  }
}
