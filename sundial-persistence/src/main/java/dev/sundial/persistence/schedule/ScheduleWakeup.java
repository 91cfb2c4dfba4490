package dev.sundial.persistence.schedule;

/** A stored schedule wake-up, loaded at start to re-arm the in-memory timer. */
public record ScheduleWakeup(String namespaceId, String scheduleId, long wakeupMillis) {}
