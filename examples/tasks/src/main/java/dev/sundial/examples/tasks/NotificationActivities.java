package dev.sundial.examples.tasks;

import io.temporal.activity.ActivityInterface;

/** Sending notifications, retried by Temporal until the sender takes them. */
@ActivityInterface
public interface NotificationActivities {
  void send(Notification notification);
}
