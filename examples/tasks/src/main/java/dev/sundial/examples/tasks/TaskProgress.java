package dev.sundial.examples.tasks;

import java.util.List;

/**
 * What the progress query answers: the task's status ({@code OPEN}, {@code OVERDUE},
 * {@code COMPLETED} or {@code EXPIRED}), its assignee and every one it had, the reminders sent,
 * and who completed it when.
 */
public record TaskProgress(String id, String status, String assignee, List<String> assignees,
    int remindersSent, boolean overdue, String completedBy, long completedAt) {}
