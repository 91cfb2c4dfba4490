package dev.sundial.examples.support;

import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The applications' schedules, created at start when missing (an existing one keeps its settings). */
public final class Schedules {
  private static final Logger log = LoggerFactory.getLogger(Schedules.class);

  private Schedules() {}

  public static void createIfMissing(ScheduleClient client, String id, Schedule schedule, String what) {
    try {
      client.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
      log.info("Created the schedule '{}' ({})", id, what);
    } catch (ScheduleException e) {
      log.info("The schedule '{}' exists", id); // ScheduleAlreadyRunningException
    }
  }
}
