package dev.sundial.examples.tasks;

/**
 * A message to a user. Its id is fixed by the workflow that sends it, so that a retried send is
 * recognised and not recorded twice.
 *
 * @param kind ASSIGNED, REMINDER, OVERDUE, COMPLETED, EXPIRED, HANDOFF, WELCOME, FOLLOW_UP or
 *     ONBOARDING_DONE
 */
public record Notification(String id, String user, String kind, String subject, String message) {}
