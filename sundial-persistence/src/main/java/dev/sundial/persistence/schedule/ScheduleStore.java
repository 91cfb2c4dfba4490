package dev.sundial.persistence.schedule;

import dev.sundial.persistence.ConflictException;
import java.util.List;
import java.util.Optional;

/**
 * Persistence of schedules (one row per schedule). Writes are conditional: they carry the shard's
 * range id (fencing, as execution writes do) and the expected row version, and throw
 * {@link ConflictException} instead of overwriting a concurrent change. Each write is committed
 * (fsync'd) before it returns.
 */
public interface ScheduleStore {

  Optional<ScheduleRecord> getSchedule(String namespaceId, String scheduleId);

  /** Schedules of a namespace ordered by id, strictly after {@code afterScheduleId} ("" first). */
  List<ScheduleRecord> listSchedules(String namespaceId, String afterScheduleId, int limit);

  /** Stored wake-ups earlier than {@code beforeMillis}, ordered by time, at most limit. */
  List<ScheduleWakeup> scheduleWakeups(long beforeMillis, int limit);

  /**
   * Inserts ({@code expectedVersion} 0: the schedule must not exist) or replaces (the stored version
   * must equal {@code expectedVersion}) a schedule; {@code record.version()} must be
   * expectedVersion + 1.
   */
  void writeSchedule(long rangeId, ScheduleRecord record, long expectedVersion);

  /** Deletes a schedule whose stored version is {@code expectedVersion}. */
  void deleteSchedule(
      int shardId, long rangeId, String namespaceId, String scheduleId, long expectedVersion);
}
