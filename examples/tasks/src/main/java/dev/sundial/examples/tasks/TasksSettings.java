package dev.sundial.examples.tasks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The task tracker's settings ({@code tasks.*}); the durations are short in tests.
 *
 * @param reminders how long before a task's due time each reminder goes out
 * @param lifetime how long a task's workflow waits for completion before closing it
 */
@ConfigurationProperties("tasks")
public record TasksSettings(String taskQueue, List<Duration> reminders, Duration lifetime,
    Duration onboardingDuration, List<Duration> onboardingFollowUps, List<String> onboardingTasks,
    Duration cleanupEvery, Duration cleanupRetention, String webhookUrl) {

  List<Long> reminderMillis() {
    return reminders.stream().map(Duration::toMillis).toList();
  }
}
