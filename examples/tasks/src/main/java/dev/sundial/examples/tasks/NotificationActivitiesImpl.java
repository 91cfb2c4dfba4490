package dev.sundial.examples.tasks;

import io.temporal.activity.Activity;
import org.springframework.stereotype.Component;

@Component("notificationActivities")
public class NotificationActivitiesImpl implements NotificationActivities {
  private final NotificationSender sender;
  private final TaskStore store;

  public NotificationActivitiesImpl(NotificationSender sender, TaskStore store) {
    this.sender = sender;
    this.store = store;
  }

  @Override
  public void send(Notification n) {
    if (store.notificationSent(n.id())) {
      return; // sent before a crash lost the activity's completion
    }
    try {
      sender.send(n);
    } catch (Exception e) {
      throw Activity.wrap(e); // retried with the workflow's backoff
    }
    store.recordNotification(n);
  }
}
