package dev.sundial.examples.tasks;

import dev.sundial.examples.support.Schedules;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleSpec;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

/**
 * The task tracker: tasks with a lifecycle workflow each (reminders, overdue alert, complete and
 * reassign), relays, 7-day onboarding of new users and a daily cleanup schedule, on an embedded
 * Sundial unless {@code --temporal-address} names a server.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TasksApplication {
  private static final Logger log = LoggerFactory.getLogger(TasksApplication.class);

  public static void main(String[] args) {
    SpringApplication.run(TasksApplication.class, args);
  }

  @Bean
  NotificationSender notificationSender(TasksSettings settings) {
    if (settings.webhookUrl() != null && !settings.webhookUrl().isBlank()) {
      log.info("Notifications go to the webhook {}", settings.webhookUrl());
      return new WebhookNotificationSender(settings.webhookUrl());
    }
    log.info("Notifications go to the log (set NOTIFY_WEBHOOK_URL to post them to a webhook)");
    return new LogNotificationSender();
  }

  @Bean
  ScheduleClient scheduleClient(WorkflowClient client) {
    return ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
  }

  /** Creates the daily cleanup schedule if it is not there yet (it survives restarts). */
  @EventListener(ApplicationReadyEvent.class)
  public void ensureCleanupSchedule(ApplicationReadyEvent event) {
    TasksSettings settings = event.getApplicationContext().getBean(TasksSettings.class);
    ScheduleClient schedules = event.getApplicationContext().getBean(ScheduleClient.class);
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(CleanupWorkflow.class)
            .setArguments(settings.cleanupRetention().toMillis())
            .setOptions(WorkflowOptions.newBuilder()
                .setWorkflowId("tasks-cleanup")
                .setTaskQueue(settings.taskQueue())
                .build())
            .build())
        .setSpec(ScheduleSpec.newBuilder()
            .setIntervals(List.of(new ScheduleIntervalSpec(settings.cleanupEvery())))
            .build())
        .build();
    Schedules.createIfMissing(schedules, CleanupWorkflow.SCHEDULE_ID, schedule,
        "cleanup every " + settings.cleanupEvery());
  }
}
