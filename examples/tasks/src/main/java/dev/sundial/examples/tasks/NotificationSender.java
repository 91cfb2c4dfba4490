package dev.sundial.examples.tasks;

/**
 * Where notifications go: the log (default) or a webhook ({@code NOTIFY_WEBHOOK_URL}). A send
 * that throws is retried by the notification activity's retry policy.
 */
public interface NotificationSender {
  void send(Notification notification) throws Exception;
}
