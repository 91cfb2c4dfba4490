package dev.sundial.engine.schedule.spec;

import io.temporal.api.schedule.v1.Range;
import io.temporal.api.schedule.v1.StructuredCalendarSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A {@link StructuredCalendarSpec} ready for matching in a time zone. A time matches when every
 * field matches (day of month and day of week both, not either). Clock times are matched
 * literally: a local time skipped by a daylight-saving jump never fires, one repeated by it fires
 * twice.
 */
final class CompiledCalendar {
  private static final long HOUR = 3600;

  private final BitSet seconds;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final int[] years; // sorted; null = every year
  private final ZoneId zone;
  private final ZoneRules rules;

  CompiledCalendar(StructuredCalendarSpec c, ZoneId zone) {
    this.seconds = bits(c.getSecondList());
    this.minutes = bits(c.getMinuteList());
    this.hours = bits(c.getHourList());
    this.daysOfMonth = bits(c.getDayOfMonthList());
    this.months = bits(c.getMonthList());
    this.daysOfWeek = bits(c.getDayOfWeekList());
    if (c.getYearCount() == 0) {
      this.years = null;
    } else {
      BitSet y = bits(c.getYearList());
      this.years = y.stream().toArray();
      Arrays.sort(years);
    }
    this.zone = zone;
    this.rules = zone.getRules();
  }

  private static BitSet bits(List<Range> ranges) {
    BitSet b = new BitSet();
    for (Range r : ranges) {
      int step = r.getStep() <= 0 ? 1 : r.getStep();
      int end = Math.max(r.getEnd(), r.getStart());
      for (int v = r.getStart(); v <= end; v += step) {
        b.set(v);
      }
    }
    return b;
  }

  boolean matches(Instant t) {
    LocalDateTime l = LocalDateTime.ofInstant(t, zone);
    return yearMatches(l.getYear())
        && months.get(l.getMonthValue())
        && daysOfMonth.get(l.getDayOfMonth())
        && daysOfWeek.get(l.getDayOfWeek().getValue() % 7)
        && hours.get(l.getHour())
        && minutes.get(l.getMinute())
        && seconds.get(l.getSecond());
  }

  /** The first matching whole second strictly after {@code afterSecond} (epoch s), or -1. */
  long next(long afterSecond) {
    if (rules.isFixedOffset()) {
      ZoneOffset o = rules.getOffset(Instant.EPOCH);
      LocalDateTime l = nextLocal(LocalDateTime.ofEpochSecond(afterSecond + 1, 0, o));
      return l == null ? -1 : l.toEpochSecond(o);
    }
    // Local times that can map to an instant after afterSecond start at afterSecond seen with the
    // smallest offset in effect around it; a repeated hour makes later local times map to earlier
    // instants, so keep looking until no later local time can beat the best instant found.
    ZoneOffset low = extremeOffset(afterSecond, false);
    LocalDateTime candidate = nextLocal(LocalDateTime.ofEpochSecond(afterSecond + 1, 0, low));
    long best = -1;
    ZoneOffset high = null;
    while (candidate != null) {
      if (best >= 0 && candidate.toEpochSecond(high) >= best) {
        break;
      }
      for (ZoneOffset o : rules.getValidOffsets(candidate)) { // none in a gap, two in an overlap
        long s = candidate.toEpochSecond(o);
        if (s > afterSecond && (best < 0 || s < best)) {
          best = s;
          high = extremeOffset(best, true);
        }
      }
      candidate = nextLocal(candidate.plusSeconds(1));
    }
    return best;
  }

  /** The smallest (or largest) offset in effect within a day of the instant. */
  private ZoneOffset extremeOffset(long epochSecond, boolean largest) {
    ZoneOffset result = null;
    for (int k = -4; k <= 4; k++) {
      ZoneOffset o = rules.getOffset(Instant.ofEpochSecond(epochSecond + k * 6 * HOUR));
      if (result == null
          || (largest
              ? o.getTotalSeconds() > result.getTotalSeconds()
              : o.getTotalSeconds() < result.getTotalSeconds())) {
        result = o;
      }
    }
    return result;
  }

  /** The first matching local time at or after {@code t} (whole seconds), or null after 2100. */
  LocalDateTime nextLocal(LocalDateTime t) {
    for (int guard = 0; guard < 1_000_000; guard++) {
      int year = t.getYear();
      if (year > CalendarParser.MAX_YEAR) {
        return null;
      }
      if (!yearMatches(year)) {
        int next = nextYear(year);
        if (next < 0) {
          return null;
        }
        t = LocalDateTime.of(next, 1, 1, 0, 0);
        continue;
      }
      int month = months.nextSetBit(t.getMonthValue());
      if (month < 0 || month > 12) {
        t = LocalDateTime.of(year + 1, 1, 1, 0, 0);
        continue;
      }
      if (month != t.getMonthValue()) {
        t = LocalDateTime.of(year, month, 1, 0, 0);
      }
      if (!daysOfMonth.get(t.getDayOfMonth())
          || !daysOfWeek.get(t.getDayOfWeek().getValue() % 7)) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      int hour = hours.nextSetBit(t.getHour());
      if (hour < 0 || hour > 23) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      if (hour != t.getHour()) {
        t = t.withHour(hour).withMinute(0).withSecond(0);
      }
      int minute = minutes.nextSetBit(t.getMinute());
      if (minute < 0 || minute > 59) {
        t = t.withMinute(0).withSecond(0).plusHours(1);
        continue;
      }
      if (minute != t.getMinute()) {
        t = t.withMinute(minute).withSecond(0);
      }
      int second = seconds.nextSetBit(t.getSecond());
      if (second < 0 || second > 59) {
        t = t.withSecond(0).plusMinutes(1);
        continue;
      }
      return t.withSecond(second).withNano(0);
    }
    return null;
  }

  private boolean yearMatches(int year) {
    return years == null || Arrays.binarySearch(years, year) >= 0;
  }

  private int nextYear(int year) {
    if (years == null) {
      return year + 1;
    }
    int i = Arrays.binarySearch(years, year + 1);
    if (i < 0) {
      i = -i - 1;
    }
    return i < years.length ? years[i] : -1;
  }
}
