package dev.sundial.compat;

import static dev.sundial.compat.ScheduleTest.code;
import static dev.sundial.compat.ScheduleTest.everySeconds;
import static dev.sundial.compat.ScheduleTest.schedule;
import static dev.sundial.compat.ScheduleTest.schedules;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.sundial.compat.ScheduleTest.Quick;
import io.grpc.Status;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.workflowservice.v1.ListScheduleMatchingTimesRequest;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleRange;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schedule API as the SDK's ScheduleClient uses it: describe, update, list (with matching
 * times) and delete, and the errors Temporal reports.
 */
class ScheduleApiTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ------------------------------------------------------------------ describe, update, list, delete

  @Test
  void describeUpdateListAndDelete() {
    ScheduleClient client = schedules(sundial);
    String prefix = sundial.newWorkflowId("listed");
    ScheduleSpec hourly = ScheduleSpec.newBuilder()
        .setCalendars(List.of(ScheduleCalendarSpec.newBuilder()
            .setMinutes(List.of(new ScheduleRange(30)))
            .setHour(List.of(new ScheduleRange(0, 23)))
            .setComment("half past").build()))
        .setTimeZoneName("Europe/Paris")
        .build();
    List<ScheduleHandle> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(client.createSchedule(prefix + "-" + i,
          schedule(Quick.class, "wf-" + prefix + "-" + i, sundial.taskQueue(), hourly)
              .setPolicy(SchedulePolicy.newBuilder().setCatchupWindow(Duration.ofMinutes(5))
                  .setPauseOnFailure(true).build())
              .build(),
          ScheduleOptions.newBuilder().setMemo(Map.of("owner", "team-" + i)).build()));
    }
    ScheduleDescription d = handles.get(0).describe();
    assertThat(d.getId()).isEqualTo(prefix + "-0");
    assertThat(d.getSchedule().getSpec().getTimeZoneName()).isEqualTo("Europe/Paris");
    assertThat(d.getSchedule().getSpec().getCalendars().get(0).getMinutes())
        .containsExactly(new ScheduleRange(30, 30, 1));
    assertThat(d.getSchedule().getSpec().getCalendars().get(0).getComment()).isEqualTo("half past");
    assertThat(d.getSchedule().getPolicy().getOverlap())
        .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(d.getSchedule().getPolicy().getCatchupWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.getSchedule().getPolicy().isPauseOnFailure()).isTrue();
    assertThat(d.getMemo("owner", String.class)).isEqualTo("team-0");
    assertThat(d.getInfo().getNextActionTimes()).hasSize(10)
        .allMatch(t -> t.atZone(ZoneId.of("Europe/Paris")).getMinute() == 30);
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) d.getSchedule().getAction();
    assertThat(action.getWorkflowType()).isEqualTo("Quick");
    assertThat(action.getOptions().getWorkflowId()).isEqualTo("wf-" + prefix + "-0");

    // Update: a new spec, visible in describe, with an update time.
    handles.get(0).update(input -> new ScheduleUpdate(
        Schedule.newBuilder(input.getDescription().getSchedule())
            .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of("15 8 * * MON")).build())
            .build()));
    ScheduleDescription updated = handles.get(0).describe();
    assertThat(updated.getSchedule().getSpec().getCronExpressions()).isEmpty();
    assertThat(updated.getSchedule().getSpec().getCalendars().get(0).getDayOfWeek())
        .containsExactly(new ScheduleRange(1, 1, 1));
    assertThat(updated.getInfo().getLastUpdatedAt()).isNotNull();
    assertThat(updated.getSchedule().getSpec().getTimeZoneName()).isEmpty(); // the new spec is UTC
    assertThat(updated.getInfo().getNextActionTimes().get(0).atZone(ZoneOffset.UTC))
        .matches(z -> z.getDayOfWeek() == DayOfWeek.MONDAY && z.getHour() == 8 && z.getMinute() == 15);

    // List, two per page, filtered to this test's schedules.
    List<ScheduleListDescription> listed =
        client.listSchedules("ScheduleId STARTS_WITH '" + prefix + "'", 2).collect(Collectors.toList());
    assertThat(listed).extracting(ScheduleListDescription::getScheduleId)
        .containsExactly(prefix + "-0", prefix + "-1", prefix + "-2");
    assertThat(listed.get(1).getInfo().getNextActionTimes()).hasSize(5);
    assertThat(listed.get(1).getMemo("owner", String.class)).isEqualTo("team-1");
    assertThat(client.listSchedules().map(ScheduleListDescription::getScheduleId).collect(Collectors.toSet()))
        .contains(prefix + "-0", prefix + "-1", prefix + "-2");

    // Delete one: it is gone from describe and list.
    handles.get(1).delete();
    assertThatThrownBy(() -> handles.get(1).describe())
        .isInstanceOf(ScheduleException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(client.listSchedules("ScheduleId STARTS_WITH '" + prefix + "'", 10)
            .map(ScheduleListDescription::getScheduleId).collect(Collectors.toList()))
        .containsExactly(prefix + "-0", prefix + "-2");
    handles.get(0).delete();
    handles.get(2).delete();
  }

  @Test
  void listScheduleMatchingTimesForCronAndCalendarSpecs() {
    ScheduleClient client = schedules(sundial);
    String cronId = sundial.newWorkflowId("matching-cron");
    client.createSchedule(cronId, schedule(Quick.class, "wf-" + cronId, sundial.taskQueue(),
        ScheduleSpec.newBuilder().setCronExpressions(List.of("0 12 * * MON-FRI")).build()).build(),
        ScheduleOptions.newBuilder().build());
    String calId = sundial.newWorkflowId("matching-calendar");
    client.createSchedule(calId, schedule(Quick.class, "wf-" + calId, sundial.taskQueue(),
        ScheduleSpec.newBuilder()
            .setCalendars(List.of(ScheduleCalendarSpec.newBuilder()
                .setHour(List.of(new ScheduleRange(9, 17, 8)))
                .setDayOfMonth(List.of(new ScheduleRange(1), new ScheduleRange(15)))
                .build()))
            .setSkip(List.of(ScheduleCalendarSpec.newBuilder()
                .setSeconds(List.of(new ScheduleRange(0, 59))).setMinutes(List.of(new ScheduleRange(0, 59)))
                .setHour(List.of(new ScheduleRange(17))).setMonth(List.of(new ScheduleRange(2))).build()))
            .build()).build(),
        ScheduleOptions.newBuilder().build());

    // 2024-01-01 is a Monday.
    assertThat(matching(cronId, "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z")).containsExactly(
        "2024-01-01T12:00:00Z", "2024-01-02T12:00:00Z", "2024-01-03T12:00:00Z",
        "2024-01-04T12:00:00Z", "2024-01-05T12:00:00Z");
    // Hours 9 and 17 on the 1st and 15th, but not 17:00 in February (excluded).
    assertThat(matching(calId, "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z")).containsExactly(
        "2024-01-01T09:00:00Z", "2024-01-01T17:00:00Z", "2024-01-15T09:00:00Z", "2024-01-15T17:00:00Z",
        "2024-02-01T09:00:00Z", "2024-02-15T09:00:00Z");
    client.getHandle(cronId).delete();
    client.getHandle(calId).delete();
  }

  private static List<String> matching(String scheduleId, String from, String to) {
    return sundial.blockingStub().listScheduleMatchingTimes(ListScheduleMatchingTimesRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE).setScheduleId(scheduleId)
            .setStartTime(Timestamps.fromMillis(Instant.parse(from).toEpochMilli()))
            .setEndTime(Timestamps.fromMillis(Instant.parse(to).toEpochMilli()))
            .build())
        .getStartTimeList().stream()
        .map(t -> Instant.ofEpochMilli(Timestamps.toMillis(t)).toString())
        .collect(Collectors.toList());
  }

  @Test
  void errorsAsTemporalReportsThem() {
    ScheduleClient client = schedules(sundial);
    String id = sundial.newWorkflowId("dup");
    Schedule s = schedule(Quick.class, "wf-" + id, sundial.taskQueue(), everySeconds(3600)).build();
    client.createSchedule(id, s, ScheduleOptions.newBuilder().build());
    assertThatThrownBy(() -> client.createSchedule(id, s, ScheduleOptions.newBuilder().build()))
        .isInstanceOf(ScheduleAlreadyRunningException.class);
    assertThatThrownBy(() -> client.getHandle("no-such-schedule").describe())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> client.getHandle("no-such-schedule").pause())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> client.getHandle("no-such-schedule").delete())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    Schedule badHour = schedule(Quick.class, "wf-bad", sundial.taskQueue(),
        ScheduleSpec.newBuilder().setCalendars(List.of(ScheduleCalendarSpec.newBuilder()
            .setHour(List.of(new ScheduleRange(25))).build())).build()).build();
    assertThatThrownBy(() -> client.createSchedule(sundial.newWorkflowId("bad"), badHour,
            ScheduleOptions.newBuilder().build()))
        .satisfies(e -> {
          assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getCause().getMessage()).contains("structured_calendar[0]").contains("hour");
        });
    Schedule badCron = schedule(Quick.class, "wf-bad", sundial.taskQueue(),
        ScheduleSpec.newBuilder().setCronExpressions(List.of("* * *")).build()).build();
    assertThatThrownBy(() -> client.createSchedule(sundial.newWorkflowId("bad"), badCron,
            ScheduleOptions.newBuilder().build()))
        .satisfies(e -> {
          assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getCause().getMessage()).contains("cron_string[0]");
        });
    Schedule badInterval = schedule(Quick.class, "wf-bad", sundial.taskQueue(), ScheduleSpec.newBuilder()
        .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofMinutes(1), Duration.ofMinutes(2))))
        .build()).build();
    assertThatThrownBy(() -> client.createSchedule(sundial.newWorkflowId("bad"), badInterval,
            ScheduleOptions.newBuilder().build()))
        .satisfies(e -> assertThat(e.getCause().getMessage()).contains("interval[0].phase"));
    client.getHandle(id).delete();
  }
}
