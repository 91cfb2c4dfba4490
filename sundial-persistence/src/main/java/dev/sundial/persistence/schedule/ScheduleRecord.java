package dev.sundial.persistence.schedule;

/**
 * One schedule as stored: its serialized state (opaque to the store), an optimistic-concurrency
 * {@code version}, and the durable wake-up time of its next due processing ({@code nextWakeupMillis},
 * {@link #NO_WAKEUP} when nothing is due until someone changes it). The row is both the entity and
 * its outbox timer: a restart re-arms every stored wake-up.
 */
public record ScheduleRecord(
    String namespaceId,
    String scheduleId,
    int shardId,
    long version,
    long nextWakeupMillis,
    byte[] state) {

  public static final long NO_WAKEUP = -1;
}
