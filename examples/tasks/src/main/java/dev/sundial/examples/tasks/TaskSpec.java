package dev.sundial.examples.tasks;

import java.util.List;

/**
 * A task as its lifecycle workflow gets it. Times are epoch milliseconds and durations
 * milliseconds, fixed when the task is created, so the workflow replays the same way.
 *
 * @param reminderOffsets how long before the due time each reminder goes out
 * @param lifetime how long after creation the workflow gives up on an open task
 */
public record TaskSpec(String id, String title, String description, String assignedTo,
    String createdBy, long createdAt, long dueAt, List<Long> reminderOffsets, long lifetime) {}
