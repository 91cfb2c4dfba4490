package dev.sundial.examples.tasks;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The activity stubs the workflows share: database steps and notifications, retried until done. */
final class Activities {
  private Activities() {}

  static TaskActivities tasks() {
    return Workflow.newActivityStub(TaskActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofMinutes(1))
            .build())
        .build());
  }

  /** A sender that is down is retried with backoff, up to ten minutes apart, until it takes it. */
  static NotificationActivities notifications() {
    return Workflow.newActivityStub(NotificationActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2)
            .setMaximumInterval(Duration.ofMinutes(10))
            .build())
        .build());
  }
}
