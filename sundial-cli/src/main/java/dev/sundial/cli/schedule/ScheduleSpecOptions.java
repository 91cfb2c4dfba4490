package dev.sundial.cli.schedule;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.Times;
import dev.sundial.cli.workflow.StartOptions;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.api.schedule.v1.CalendarSpec;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.ScheduleState;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** When a schedule fires and what it does on overlap: the spec flags of {@code temporal schedule create}. */
public final class ScheduleSpecOptions {
  @Option(names = "--cron", paramLabel = "<cron>", description = "A cron string ('0 12 * * MON-FRI'); repeatable.")
  List<String> cron = new ArrayList<>();

  @Option(names = "--calendar", paramLabel = "<json>",
      description = "A calendar spec as JSON ('{\"dayOfWeek\":\"Fri\",\"hour\":\"12\"}'); repeatable.")
  List<String> calendar = new ArrayList<>();

  @Option(names = "--interval", paramLabel = "<every[/offset]>",
      description = "Every so long, with an optional phase offset ('10m', '1h/15m'); repeatable.")
  List<String> interval = new ArrayList<>();

  @Option(names = "--start-time", paramLabel = "<time>", description = "No actions before this time (RFC 3339).")
  String startTime;

  @Option(names = "--end-time", paramLabel = "<time>", description = "No actions after this time (RFC 3339).")
  String endTime;

  @Option(names = "--jitter", paramLabel = "<duration>", description = "Delay each action by up to this much.")
  String jitter;

  @Option(names = "--time-zone", paramLabel = "<zone>", description = "Time zone of cron and calendar specs (IANA name).")
  String timeZone;

  @Option(names = "--catchup-window", paramLabel = "<duration>",
      description = "How far back missed actions are made up after an outage.")
  String catchupWindow;

  @Option(names = "--overlap-policy", paramLabel = "<policy>",
      description = "Skip, BufferOne, BufferAll, CancelOther, TerminateOther or AllowAll. Default: Skip.")
  String overlapPolicy;

  @Option(names = "--pause-on-failure", description = "Pause the schedule when an action fails.")
  boolean pauseOnFailure;

  @Option(names = "--paused", description = "Create the schedule paused.")
  boolean paused;

  @Option(names = "--notes", paramLabel = "<text>", description = "Notes shown with the schedule's state.")
  String notes;

  @Option(names = "--remaining-actions", paramLabel = "<n>", description = "Stop after this many actions.")
  Integer remainingActions;

  ScheduleSpec spec() {
    ScheduleSpec.Builder b = ScheduleSpec.newBuilder().addAllCronString(cron);
    for (String json : calendar) {
      CalendarSpec.Builder c = CalendarSpec.newBuilder();
      try {
        JsonFormat.parser().merge(json, c);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        throw new IllegalArgumentException("--calendar must be a calendar spec as JSON (fields second,"
            + " minute, hour, dayOfMonth, month, year, dayOfWeek, comment) but was '" + json + "'");
      }
      b.addCalendar(c);
    }
    for (String i : interval) {
      String[] parts = i.split("/", -1);
      if (parts.length > 2) {
        throw new IllegalArgumentException("--interval must be <duration> or <duration>/<duration>"
            + " but was '" + i + "'");
      }
      IntervalSpec.Builder is = IntervalSpec.newBuilder()
          .setInterval(StartOptions.proto(Durations.parse(parts[0], "--interval")));
      if (parts.length == 2) is.setPhase(StartOptions.proto(Durations.parse(parts[1], "--interval")));
      b.addInterval(is);
    }
    if (startTime != null) b.setStartTime(Times.parse(startTime, "--start-time"));
    if (endTime != null) b.setEndTime(Times.parse(endTime, "--end-time"));
    if (jitter != null) b.setJitter(StartOptions.proto(Durations.parse(jitter, "--jitter")));
    if (timeZone != null) {
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("--time-zone must be an IANA time zone such as"
            + " Europe/Paris but was '" + timeZone + "'");
      }
      b.setTimezoneName(timeZone);
    }
    return b.build();
  }

  SchedulePolicies policies() {
    SchedulePolicies.Builder p = SchedulePolicies.newBuilder().setPauseOnFailure(pauseOnFailure);
    if (overlapPolicy != null) p.setOverlapPolicy(overlap(overlapPolicy, "--overlap-policy"));
    if (catchupWindow != null) {
      p.setCatchupWindow(StartOptions.proto(Durations.parse(catchupWindow, "--catchup-window")));
    }
    return p.build();
  }

  ScheduleState state() {
    ScheduleState.Builder s = ScheduleState.newBuilder().setPaused(paused);
    if (notes != null) s.setNotes(notes);
    if (remainingActions != null) {
      if (remainingActions < 1) throw new IllegalArgumentException("--remaining-actions must be at least 1");
      s.setLimitedActions(true).setRemainingActions(remainingActions);
    }
    return s.build();
  }

  static ScheduleOverlapPolicy overlap(String value, String flag) {
    return Enums.parse(ScheduleOverlapPolicy.class, "SCHEDULE_OVERLAP_POLICY_", value, flag);
  }
}
