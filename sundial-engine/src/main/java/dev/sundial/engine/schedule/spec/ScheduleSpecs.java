package dev.sundial.engine.schedule.spec;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.temporal.api.schedule.v1.CalendarSpec;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Range;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.StructuredCalendarSpec;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Validation and canonicalization of {@link ScheduleSpec}s. The canonical form keeps only
 * structured calendars, intervals and the time zone name: calendar strings and cron strings are
 * compiled into structured calendars (and intervals for "@every"), and a cron string's time zone
 * moves to {@code timezone_name}. Errors are IllegalArgumentExceptions whose message names the
 * offending field.
 */
public final class ScheduleSpecs {
  private ScheduleSpecs() {}

  /** Canonicalizes and validates; idempotent on a canonical spec. */
  public static ScheduleSpec canonicalize(ScheduleSpec spec) {
    ScheduleSpec.Builder b = spec.toBuilder();
    for (int i = 0; i < spec.getCalendarCount(); i++) {
      b.addStructuredCalendar(parse(spec.getCalendar(i), "calendar[" + i + "]"));
    }
    b.clearCalendar();
    for (int i = 0; i < spec.getExcludeCalendarCount(); i++) {
      b.addExcludeStructuredCalendar(parse(spec.getExcludeCalendar(i), "exclude_calendar[" + i + "]"));
    }
    b.clearExcludeCalendar();
    String cronZone = null;
    for (int i = 0; i < spec.getCronStringCount(); i++) {
      CalendarParser.Cron c;
      try {
        c = CalendarParser.cron(spec.getCronString(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cron_string[" + i + "]: " + e.getMessage());
      }
      if (cronZone != null && !cronZone.equals(c.timeZone())) {
        throw new IllegalArgumentException("cron_string[" + i + "]: conflicting time zone names");
      }
      cronZone = c.timeZone();
      if (c.calendar() != null) b.addStructuredCalendar(c.calendar());
      if (c.interval() != null) b.addInterval(c.interval());
    }
    b.clearCronString();
    if (cronZone != null && !cronZone.isEmpty()) {
      if ((!spec.getTimezoneName().isEmpty() && !spec.getTimezoneName().equals(cronZone))
          || !spec.getTimezoneData().isEmpty()) {
        throw new IllegalArgumentException(
            "cron_string time zone " + cronZone + " conflicts with timezone_name \""
                + spec.getTimezoneName() + "\"");
      }
      b.setTimezoneName(cronZone);
    }
    for (int i = 0; i < b.getStructuredCalendarCount(); i++) {
      validate(b.getStructuredCalendar(i), "structured_calendar[" + i + "]");
    }
    for (int i = 0; i < b.getExcludeStructuredCalendarCount(); i++) {
      validate(b.getExcludeStructuredCalendar(i), "exclude_structured_calendar[" + i + "]");
    }
    for (int i = 0; i < b.getIntervalCount(); i++) {
      validate(b.getInterval(i), "interval[" + i + "]");
    }
    if (b.hasJitter()) {
      checkDuration(b.getJitter(), "jitter");
      if (b.getJitter().getSeconds() < 0 || b.getJitter().getNanos() < 0) {
        throw new IllegalArgumentException("jitter must not be negative");
      }
    }
    if (b.hasStartTime()) checkTimestamp(b.getStartTime(), "start_time");
    if (b.hasEndTime()) checkTimestamp(b.getEndTime(), "end_time");
    if (!b.getTimezoneData().isEmpty()) {
      throw new IllegalArgumentException(
          "timezone_data is not supported by this server; use timezone_name");
    }
    zone(b.getTimezoneName());
    return b.build();
  }

  /** Canonicalizes, validates and compiles. */
  public static CompiledSpec compile(ScheduleSpec spec) {
    ScheduleSpec canonical = canonicalize(spec);
    return new CompiledSpec(canonical, zone(canonical.getTimezoneName()));
  }

  /**
   * The spec as Describe and List show it: single values get end = start and steps default to 1
   * (the stored form leaves them 0 to stay small).
   */
  public static ScheduleSpec forDisplay(ScheduleSpec spec) {
    ScheduleSpec.Builder b = spec.toBuilder().clearTimezoneData();
    for (int i = 0; i < b.getStructuredCalendarCount(); i++) {
      b.setStructuredCalendar(i, display(b.getStructuredCalendar(i)));
    }
    for (int i = 0; i < b.getExcludeStructuredCalendarCount(); i++) {
      b.setExcludeStructuredCalendar(i, display(b.getExcludeStructuredCalendar(i)));
    }
    return b.build();
  }

  private static StructuredCalendarSpec display(StructuredCalendarSpec c) {
    return c.toBuilder()
        .clearSecond().addAllSecond(display(c.getSecondList()))
        .clearMinute().addAllMinute(display(c.getMinuteList()))
        .clearHour().addAllHour(display(c.getHourList()))
        .clearDayOfMonth().addAllDayOfMonth(display(c.getDayOfMonthList()))
        .clearMonth().addAllMonth(display(c.getMonthList()))
        .clearYear().addAllYear(display(c.getYearList()))
        .clearDayOfWeek().addAllDayOfWeek(display(c.getDayOfWeekList()))
        .build();
  }

  private static List<Range> display(List<Range> ranges) {
    List<Range> out = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      out.add(r.toBuilder()
          .setEnd(Math.max(r.getEnd(), r.getStart()))
          .setStep(r.getStep() == 0 ? 1 : r.getStep())
          .build());
    }
    return out;
  }

  static ZoneId zone(String name) {
    if (name.isEmpty() || name.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    if (name.equals("Local")) {
      throw new IllegalArgumentException("timezone_name \"Local\" is not allowed; name a zone");
    }
    try {
      return ZoneId.of(name);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("timezone_name \"" + name + "\" is not a known time zone");
    }
  }

  private static StructuredCalendarSpec parse(CalendarSpec c, String field) {
    try {
      return CalendarParser.structured(c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static void validate(StructuredCalendarSpec c, String field) {
    List<String> errors = new ArrayList<>();
    ranges(c.getSecondList(), "second", 0, 59, errors);
    ranges(c.getMinuteList(), "minute", 0, 59, errors);
    ranges(c.getHourList(), "hour", 0, 23, errors);
    ranges(c.getDayOfMonthList(), "day_of_month", 1, 31, errors);
    ranges(c.getMonthList(), "month", 1, 12, errors);
    ranges(c.getYearList(), "year", CalendarParser.MIN_YEAR, CalendarParser.MAX_YEAR, errors);
    ranges(c.getDayOfWeekList(), "day_of_week", 0, 6, errors);
    if (c.getComment().length() > CalendarParser.MAX_COMMENT) {
      errors.add("comment is longer than " + CalendarParser.MAX_COMMENT + " characters");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(field + ": " + String.join(", ", errors));
    }
  }

  private static void ranges(List<Range> ranges, String name, int min, int max, List<String> errors) {
    for (Range r : ranges) {
      if (r.getStart() < min || r.getStart() > max) {
        errors.add(name + " start " + r.getStart() + " is not in range [" + min + "-" + max + "]");
      }
      if (r.getEnd() != 0 && (r.getEnd() < r.getStart() || r.getEnd() > max)) {
        errors.add(name + " end " + r.getEnd() + " is before start or not in range [" + min + "-"
            + max + "]");
      }
      if (r.getStep() < 0) {
        errors.add(name + " step " + r.getStep() + " is negative");
      }
    }
  }

  private static void validate(IntervalSpec iv, String field) {
    checkDuration(iv.getInterval(), field + ".interval");
    checkDuration(iv.getPhase(), field + ".phase");
    long interval = iv.getInterval().getSeconds();
    long phase = iv.getPhase().getSeconds();
    if (interval < 1) {
      throw new IllegalArgumentException(field + ".interval must be at least 1s");
    }
    if (phase < 0 || iv.getPhase().getNanos() < 0) {
      throw new IllegalArgumentException(field + ".phase must not be negative");
    }
    if (Math.max(0, phase) >= interval) {
      throw new IllegalArgumentException(field + ".phase must be shorter than the interval");
    }
  }

  private static void checkDuration(Duration d, String field) {
    boolean mixedSigns = (d.getSeconds() > 0 && d.getNanos() < 0) || (d.getSeconds() < 0 && d.getNanos() > 0);
    if (mixedSigns || Math.abs(d.getNanos()) > 999_999_999
        || Math.abs(d.getSeconds()) > 315_576_000_000L) {
      throw new IllegalArgumentException(field + " is not a valid duration");
    }
  }

  private static void checkTimestamp(Timestamp t, String field) {
    if (t.getNanos() < 0 || t.getNanos() > 999_999_999
        || t.getSeconds() < -62_135_596_800L || t.getSeconds() > 253_402_300_799L) {
      throw new IllegalArgumentException(field + " is not a valid timestamp");
    }
  }
}
