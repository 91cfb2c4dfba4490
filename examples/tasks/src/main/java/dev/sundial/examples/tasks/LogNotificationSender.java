package dev.sundial.examples.tasks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each notification to the log. */
public final class LogNotificationSender implements NotificationSender {
  private static final Logger log = LoggerFactory.getLogger(LogNotificationSender.class);

  @Override
  public void send(Notification n) {
    log.info("notify {} [{}] {}: {}", n.user(), n.kind(), n.subject(), n.message());
  }
}
