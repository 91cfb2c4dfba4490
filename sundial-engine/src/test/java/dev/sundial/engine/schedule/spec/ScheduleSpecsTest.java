package dev.sundial.engine.schedule.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.temporal.api.schedule.v1.CalendarSpec;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Range;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.StructuredCalendarSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec canonicalization, validation and action-time computation (pure, no engine). */
class ScheduleSpecsTest {
  private static final String SEED = "ns-sched";

  private static long ms(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static List<String> times(ScheduleSpec spec, String from, int n) {
    CompiledSpec c = ScheduleSpecs.compile(spec);
    List<String> out = new ArrayList<>();
    long t = ms(from);
    for (int i = 0; i < n; i++) {
      CompiledSpec.Next next = c.next(SEED, t);
      if (next == null) break;
      out.add(Instant.ofEpochMilli(next.actualMillis()).toString());
      t = next.actualMillis();
    }
    return out;
  }

  private static ScheduleSpec cron(String... crons) {
    return ScheduleSpec.newBuilder().addAllCronString(List.of(crons)).build();
  }

  private static Range r(int start) {
    return Range.newBuilder().setStart(start).build();
  }

  private static Range r(int start, int end) {
    return Range.newBuilder().setStart(start).setEnd(end).build();
  }

  private static Range r(int start, int end, int step) {
    return Range.newBuilder().setStart(start).setEnd(end).setStep(step).build();
  }

  private static Duration secs(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  private static Timestamp ts(String iso) {
    Instant i = Instant.parse(iso);
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  // ------------------------------------------------------------------ cron strings

  @Test
  void fiveFieldCronEveryFifteenMinutes() {
    assertThat(times(cron("*/15 * * * *"), "2024-01-01T00:07:30Z", 4))
        .containsExactly("2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z",
            "2024-01-01T01:00:00Z");
  }

  @Test
  void nextIsStrictlyAfterTheGivenTime() {
    assertThat(times(cron("0 * * * *"), "2024-01-01T01:00:00Z", 1))
        .containsExactly("2024-01-01T02:00:00Z");
    assertThat(times(cron("0 * * * *"), "2024-01-01T00:59:59.999Z", 1))
        .containsExactly("2024-01-01T01:00:00Z");
  }

  @Test
  void sevenFieldCronHasSecondsAndYear() {
    assertThat(times(cron("*/20 30 12 1 JAN * 2025"), "2024-06-01T00:00:00Z", 4))
        .containsExactly("2025-01-01T12:30:00Z", "2025-01-01T12:30:20Z", "2025-01-01T12:30:40Z");
  }

  @Test
  void sixFieldCronEndsWithYear() {
    assertThat(times(cron("0 0 29 2 * 2028,2032"), "2024-03-01T00:00:00Z", 5))
        .containsExactly("2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z");
  }

  @Test
  void weekdayNamesRangesAndSundayAsSeven() {
    // 2024-01-01 is a Monday.
    assertThat(times(cron("0 9 * * mon-fri"), "2024-01-05T10:00:00Z", 2))
        .containsExactly("2024-01-08T09:00:00Z", "2024-01-09T09:00:00Z");
    assertThat(times(cron("0 0 * * 7"), "2024-01-01T00:00:00Z", 2))
        .containsExactly("2024-01-07T00:00:00Z", "2024-01-14T00:00:00Z");
    assertThat(times(cron("0 0 * * 5-7"), "2024-01-01T00:00:00Z", 4))
        .containsExactly("2024-01-05T00:00:00Z", "2024-01-06T00:00:00Z", "2024-01-07T00:00:00Z",
            "2024-01-12T00:00:00Z");
  }

  @Test
  void dayOfMonthAndDayOfWeekMustBothMatch() {
    // Friday the 13th.
    assertThat(times(cron("0 0 13 * fri"), "2024-01-01T00:00:00Z", 2))
        .containsExactly("2024-09-13T00:00:00Z", "2024-12-13T00:00:00Z");
  }

  @Test
  void predefinedShorthandsAndComments() {
    assertThat(times(cron("@hourly # every hour"), "2024-01-01T00:30:00Z", 1))
        .containsExactly("2024-01-01T01:00:00Z");
    assertThat(times(cron("@daily"), "2024-01-01T00:30:00Z", 1)).containsExactly("2024-01-02T00:00:00Z");
    assertThat(times(cron("@weekly"), "2024-01-01T00:30:00Z", 1)).containsExactly("2024-01-07T00:00:00Z");
    assertThat(times(cron("@monthly"), "2024-01-01T00:30:00Z", 1)).containsExactly("2024-02-01T00:00:00Z");
    assertThat(times(cron("@yearly"), "2024-01-01T00:30:00Z", 1)).containsExactly("2025-01-01T00:00:00Z");
    ScheduleSpec c = ScheduleSpecs.canonicalize(cron("@hourly # every hour"));
    assertThat(c.getStructuredCalendar(0).getComment()).isEqualTo("every hour");
    assertThat(c.getCronStringCount()).isZero();
  }

  @Test
  void everyBecomesAnIntervalWithPhase() {
    ScheduleSpec c = ScheduleSpecs.canonicalize(cron("@every 14h/3h"));
    assertThat(c.getStructuredCalendarCount()).isZero();
    assertThat(c.getInterval(0).getInterval()).isEqualTo(secs(14 * 3600));
    assertThat(c.getInterval(0).getPhase()).isEqualTo(secs(3 * 3600));
    assertThat(times(cron("@every 90s"), "2024-01-01T00:00:00Z", 2))
        .containsExactly("2024-01-01T00:01:30Z", "2024-01-01T00:03:00Z");
    assertThat(ScheduleSpecs.canonicalize(cron("@every 2d")).getInterval(0).getInterval())
        .isEqualTo(secs(2 * 86400));
  }

  @Test
  void cronTimeZoneMovesToTimezoneName() {
    ScheduleSpec c = ScheduleSpecs.canonicalize(cron("CRON_TZ=America/New_York 0 9 * * *"));
    assertThat(c.getTimezoneName()).isEqualTo("America/New_York");
    // EST (UTC-5) in January, EDT (UTC-4) in July.
    assertThat(times(c, "2024-01-01T00:00:00Z", 1)).containsExactly("2024-01-01T14:00:00Z");
    assertThat(times(c, "2024-07-01T00:00:00Z", 1)).containsExactly("2024-07-01T13:00:00Z");
    assertThat(ScheduleSpecs.canonicalize(cron("TZ=Europe/Paris 0 9 * * *")).getTimezoneName())
        .isEqualTo("Europe/Paris");
  }

  @Test
  void conflictingTimeZonesAreRejected() {
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(
            cron("TZ=Europe/Paris 0 9 * * *", "TZ=Asia/Tokyo 0 9 * * *")))
        .hasMessageContaining("conflicting time zone");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(
            cron("TZ=Europe/Paris 0 9 * * *").toBuilder().setTimezoneName("Asia/Tokyo").build()))
        .hasMessageContaining("conflicts with timezone_name");
  }

  @Test
  void badCronStringsNameTheProblem() {
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("* * *")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cron_string[0]").hasMessageContaining("5 to 7 fields");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("61 * * * *")))
        .hasMessageContaining("Minute value 61 is not in range [0-59]");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("0 0 * * funday")))
        .hasMessageContaining("DayOfWeek");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("*/0 * * * *")))
        .hasMessageContaining("step");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("1-2-3 * * * *")))
        .hasMessageContaining("too many dashes");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("@every")))
        .hasMessageContaining("no interval");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("TZ=Europe/Paris")))
        .hasMessageContaining("no fields");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("TZ=Mars/Olympus 0 0 * * *")))
        .hasMessageContaining("not a known time zone");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(cron("0 0 5-3 * *")))
        .hasMessageContaining("ends before it starts");
  }

  // ------------------------------------------------------------------ calendars

  @Test
  void calendarStringsDefaultToMidnightOfEveryDay() {
    ScheduleSpec spec = ScheduleSpec.newBuilder()
        .addCalendar(CalendarSpec.newBuilder().setHour("12").setDayOfWeek("MON-FRI"))
        .build();
    assertThat(times(spec, "2024-01-05T13:00:00Z", 2))
        .containsExactly("2024-01-08T12:00:00Z", "2024-01-09T12:00:00Z");
    StructuredCalendarSpec s = ScheduleSpecs.canonicalize(spec).getStructuredCalendar(0);
    assertThat(s.getSecondList()).containsExactly(r(0));
    assertThat(s.getMinuteList()).containsExactly(r(0));
    assertThat(s.getHourList()).containsExactly(r(12));
    assertThat(s.getDayOfWeekList()).containsExactly(r(1, 5));
    assertThat(s.getDayOfMonthList()).containsExactly(r(1, 31));
    assertThat(s.getMonthList()).containsExactly(r(1, 12));
    assertThat(s.getYearList()).isEmpty();
  }

  @Test
  void calendarFieldsAcceptListsStepsAndNames() {
    StructuredCalendarSpec s = ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
            .addCalendar(CalendarSpec.newBuilder()
                .setMinute("1-5/2,8,30/15").setMonth("jan,Mar-may").setDayOfWeek("1-7/2"))
            .build())
        .getStructuredCalendar(0);
    assertThat(s.getMinuteList()).containsExactly(r(1, 5, 2), r(8), r(30, 59, 15));
    assertThat(s.getMonthList()).containsExactly(r(1), r(3, 5));
    // 1,3,5,7: Sunday (7) folds onto 0.
    assertThat(s.getDayOfWeekList()).containsExactly(r(0), r(1, 6, 2));
  }

  @Test
  void structuredCalendarWithRangesAndSteps() {
    ScheduleSpec spec = ScheduleSpec.newBuilder()
        .addStructuredCalendar(StructuredCalendarSpec.newBuilder()
            .addSecond(r(0)).addMinute(r(0))
            .addHour(r(9, 17, 4))
            .addDayOfMonth(r(1, 31)).addMonth(r(1, 12))
            .addDayOfWeek(r(1, 5)))
        .build();
    assertThat(times(spec, "2024-01-05T10:00:00Z", 4))
        .containsExactly("2024-01-05T13:00:00Z", "2024-01-05T17:00:00Z", "2024-01-08T09:00:00Z",
            "2024-01-08T13:00:00Z");
  }

  @Test
  void structuredCalendarWithoutRangesNeverMatches() {
    ScheduleSpec spec = ScheduleSpec.newBuilder()
        .addStructuredCalendar(StructuredCalendarSpec.newBuilder().addSecond(r(0)).addMinute(r(0)))
        .build();
    assertThat(times(spec, "2024-01-01T00:00:00Z", 1)).isEmpty();
  }

  @Test
  void impossibleDateNeverFires() {
    assertThat(times(cron("0 0 30 2 *"), "2024-01-01T00:00:00Z", 1)).isEmpty();
  }

  @Test
  void structuredRangesAreValidated() {
    ScheduleSpec bad = ScheduleSpec.newBuilder()
        .addStructuredCalendar(StructuredCalendarSpec.newBuilder().addHour(r(25)).addMinute(r(10, 5)))
        .build();
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(bad))
        .hasMessageContaining("structured_calendar[0]")
        .hasMessageContaining("hour start 25")
        .hasMessageContaining("minute end 5");
    ScheduleSpec badYear = ScheduleSpec.newBuilder()
        .addExcludeStructuredCalendar(StructuredCalendarSpec.newBuilder().addYear(r(1999)))
        .build();
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(badYear))
        .hasMessageContaining("exclude_structured_calendar[0]: year start 1999");
  }

  @Test
  void forDisplayFillsEndAndStep() {
    ScheduleSpec shown = ScheduleSpecs.forDisplay(ScheduleSpecs.canonicalize(cron("5 */6 * * *")));
    StructuredCalendarSpec s = shown.getStructuredCalendar(0);
    assertThat(s.getMinuteList()).containsExactly(r(5, 5, 1));
    assertThat(s.getHourList()).containsExactly(r(0, 23, 6));
  }

  @Test
  void canonicalizeIsIdempotent() {
    ScheduleSpec once = ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
        .addCronString("CRON_TZ=Asia/Tokyo 0 9 * * *")
        .addCalendar(CalendarSpec.newBuilder().setHour("3"))
        .addInterval(IntervalSpec.newBuilder().setInterval(secs(60)))
        .build());
    assertThat(ScheduleSpecs.canonicalize(once)).isEqualTo(once);
  }

  // ------------------------------------------------------------------ intervals

  @Test
  void intervalsCountFromTheEpochPlusPhase() {
    ScheduleSpec spec = ScheduleSpec.newBuilder()
        .addInterval(IntervalSpec.newBuilder().setInterval(secs(3600)).setPhase(secs(19 * 60)))
        .build();
    assertThat(times(spec, "2024-01-01T00:30:00Z", 2))
        .containsExactly("2024-01-01T01:19:00Z", "2024-01-01T02:19:00Z");
    ScheduleSpec days = ScheduleSpec.newBuilder()
        .addInterval(IntervalSpec.newBuilder().setInterval(secs(28 * 86400)))
        .build();
    assertThat(times(days, "2022-02-01T00:00:00Z", 1)).containsExactly("2022-02-17T00:00:00Z");
  }

  @Test
  void unionOfCalendarsAndIntervals() {
    ScheduleSpec spec = ScheduleSpec.newBuilder()
        .addCronString("30 * * * *")
        .addInterval(IntervalSpec.newBuilder().setInterval(secs(3600)))
        .build();
    assertThat(times(spec, "2024-01-01T00:00:00Z", 4))
        .containsExactly("2024-01-01T00:30:00Z", "2024-01-01T01:00:00Z", "2024-01-01T01:30:00Z",
            "2024-01-01T02:00:00Z");
  }

  @Test
  void badIntervalsAreRejected() {
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
            .addInterval(IntervalSpec.newBuilder().setInterval(Duration.newBuilder().setNanos(500_000_000)))
            .build()))
        .hasMessageContaining("interval[0].interval must be at least 1s");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
            .addInterval(IntervalSpec.newBuilder().setInterval(secs(60)).setPhase(secs(60)))
            .build()))
        .hasMessageContaining("interval[0].phase must be shorter");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
            .addInterval(IntervalSpec.newBuilder().setInterval(secs(60)).setPhase(secs(-1)))
            .build()))
        .hasMessageContaining("phase must not be negative");
  }

  // ------------------------------------------------------------------ bounds, exclusions

  @Test
  void startAndEndTimeBoundTheTimes() {
    ScheduleSpec spec = cron("0 * * * *").toBuilder()
        .setStartTime(ts("2024-01-01T03:00:00Z"))
        .setEndTime(ts("2024-01-01T05:00:00Z"))
        .build();
    assertThat(times(spec, "2024-01-01T00:00:00Z", 10))
        .containsExactly("2024-01-01T03:00:00Z", "2024-01-01T04:00:00Z", "2024-01-01T05:00:00Z");
  }

  @Test
  void exclusionsRemoveMatchingTimes() {
    ScheduleSpec spec = cron("0 * * * *").toBuilder()
        .addExcludeStructuredCalendar(StructuredCalendarSpec.newBuilder()
            .addSecond(r(0)).addMinute(r(0, 59)).addHour(r(1, 2))
            .addDayOfMonth(r(1, 31)).addMonth(r(1, 12)).addDayOfWeek(r(0, 6)))
        .build();
    assertThat(times(spec, "2024-01-01T00:00:00Z", 3))
        .containsExactly("2024-01-01T03:00:00Z", "2024-01-01T04:00:00Z", "2024-01-01T05:00:00Z");
    ScheduleSpec weekends = cron("0 12 * * *").toBuilder()
        .addExcludeCalendar(CalendarSpec.newBuilder().setSecond("*").setMinute("*").setHour("*")
            .setDayOfWeek("sat,sun"))
        .build();
    assertThat(times(weekends, "2024-01-05T13:00:00Z", 1)).containsExactly("2024-01-08T12:00:00Z");
  }

  // ------------------------------------------------------------------ time zones

  @Test
  void springForwardSkipsTheMissingLocalTime() {
    ScheduleSpec spec = cron("30 2 * * *").toBuilder().setTimezoneName("America/New_York").build();
    // 2024-03-10 has no 02:30 in New York.
    assertThat(times(spec, "2024-03-09T00:00:00Z", 2))
        .containsExactly("2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z");
  }

  @Test
  void fallBackFiresTheRepeatedLocalTimeTwice() {
    ScheduleSpec spec = cron("30 1 * * *").toBuilder().setTimezoneName("America/New_York").build();
    // 2024-11-03 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    assertThat(times(spec, "2024-11-02T12:00:00Z", 3))
        .containsExactly("2024-11-03T05:30:00Z", "2024-11-03T06:30:00Z", "2024-11-04T06:30:00Z");
    // Starting inside the repeated hour still finds the second copy.
    assertThat(times(spec, "2024-11-03T05:45:00Z", 1)).containsExactly("2024-11-03T06:30:00Z");
  }

  @Test
  void hourlyAcrossFallBackHasNoGapsOrDuplicates() {
    ScheduleSpec spec = cron("0 * * * *").toBuilder().setTimezoneName("Europe/Berlin").build();
    // 2024-10-27 03:00 CEST -> 02:00 CET: local 02:00 happens twice.
    assertThat(times(spec, "2024-10-26T23:30:00Z", 4))
        .containsExactly("2024-10-27T00:00:00Z", "2024-10-27T01:00:00Z", "2024-10-27T02:00:00Z",
            "2024-10-27T03:00:00Z");
  }

  @Test
  void unknownTimeZoneAndTimezoneDataAreRejected() {
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(
            ScheduleSpec.newBuilder().setTimezoneName("Nowhere/Land").build()))
        .hasMessageContaining("timezone_name \"Nowhere/Land\"");
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(ScheduleSpec.newBuilder()
            .setTimezoneData(ByteString.copyFromUtf8("TZif")).build()))
        .hasMessageContaining("timezone_data");
  }

  // ------------------------------------------------------------------ jitter

  @Test
  void jitterIsDeterministicBoundedAndNeverPassesTheNextTime() {
    ScheduleSpec spec = cron("* * * * *").toBuilder().setJitter(secs(600)).build();
    CompiledSpec c = ScheduleSpecs.compile(spec);
    long t = ms("2024-01-01T00:00:00Z");
    boolean someJitter = false;
    for (int i = 0; i < 50; i++) {
      CompiledSpec.Next n = c.next(SEED, t);
      assertThat(n.nominalMillis() % 60_000).isZero();
      long jitter = n.actualMillis() - n.nominalMillis();
      assertThat(jitter).isBetween(0L, 59_999L); // capped by the following minute
      assertThat(c.next(SEED, t)).isEqualTo(n);
      someJitter |= jitter > 0;
      t = n.actualMillis();
    }
    assertThat(someJitter).isTrue();
    CompiledSpec.Next a = c.next("ns-a", ms("2024-01-01T00:00:00Z"));
    CompiledSpec.Next b = c.next("ns-b", ms("2024-01-01T00:00:00Z"));
    assertThat(a.nominalMillis()).isEqualTo(b.nominalMillis());
    assertThat(a.actualMillis()).isNotEqualTo(b.actualMillis());
  }

  @Test
  void negativeJitterIsRejected() {
    assertThatThrownBy(() -> ScheduleSpecs.canonicalize(
            cron("* * * * *").toBuilder().setJitter(secs(-5)).build()))
        .hasMessageContaining("jitter");
  }

  @Test
  void timesListsWithinTheRange() {
    CompiledSpec c = ScheduleSpecs.compile(cron("0 */6 * * *"));
    assertThat(c.times(SEED, ms("2024-01-01T00:00:00Z"), ms("2024-01-02T00:00:00Z"), 100))
        .containsExactly(ms("2024-01-01T06:00:00Z"), ms("2024-01-01T12:00:00Z"),
            ms("2024-01-01T18:00:00Z"), ms("2024-01-02T00:00:00Z"));
  }
}
