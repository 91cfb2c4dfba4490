package dev.sundial.engine.history.workflow;

import dev.sundial.engine.state.Durations;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A workflow cron schedule as Temporal accepts it: five fields (minute hour day-of-month month
 * day-of-week) with lists, ranges, steps and names, the descriptors @yearly, @monthly, @weekly,
 * @daily, @hourly and "@every <duration>", and an optional CRON_TZ=<zone> prefix (UTC default).
 */
public final class CronSchedule {
  private final Duration every; // non-null for @every
  private final BitSet minutes = new BitSet(60);
  private final BitSet hours = new BitSet(24);
  private final BitSet daysOfMonth = new BitSet(32);
  private final BitSet months = new BitSet(13);
  private final BitSet daysOfWeek = new BitSet(7);
  private boolean domStar;
  private boolean dowStar;
  private final ZoneId zone;

  private CronSchedule(Duration every, ZoneId zone) {
    this.every = every;
    this.zone = zone;
  }

  /** Parses a schedule; IllegalArgumentException with a readable message when invalid. */
  public static CronSchedule parse(String spec) {
    String s = spec.trim();
    ZoneId zone = ZoneOffset.UTC;
    if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) {
      int sp = s.indexOf(' ');
      if (sp < 0) throw new IllegalArgumentException("missing schedule after time zone");
      String z = s.substring(s.indexOf('=') + 1, sp);
      try {
        zone = ZoneId.of(z);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("unknown time zone " + z);
      }
      s = s.substring(sp + 1).trim();
    }
    if (s.startsWith("@every ")) {
      Duration d = parseGoDuration(s.substring(7).trim());
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("@every interval must be at least 1s");
      }
      return new CronSchedule(d, zone);
    }
    s = switch (s) {
      case "@yearly", "@annually" -> "0 0 1 1 *";
      case "@monthly" -> "0 0 1 * *";
      case "@weekly" -> "0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@hourly" -> "0 * * * *";
      default -> s;
    };
    String[] f = s.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("expected 5 fields (minute hour day month weekday), got " + f.length);
    }
    CronSchedule c = new CronSchedule(null, zone);
    field(f[0], 0, 59, c.minutes, null);
    field(f[1], 0, 23, c.hours, null);
    c.domStar = field(f[2], 1, 31, c.daysOfMonth, null);
    field(f[3], 1, 12, c.months, MONTHS);
    c.dowStar = field(f[4], 0, 7, c.daysOfWeek, DAYS);
    if (c.daysOfWeek.get(7)) {
      c.daysOfWeek.set(0); // 7 is Sunday too
      c.daysOfWeek.clear(7);
    }
    return c;
  }

  private static final String[] MONTHS = {"", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  /** Fills bits for one field; returns true when the field is unrestricted ("*" or "?"). */
  private static boolean field(String expr, int min, int max, BitSet bits, String[] names) {
    boolean star = expr.equals("*") || expr.equals("?");
    for (String part : expr.split(",")) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), 1, Integer.MAX_VALUE, null, expr);
        range = part.substring(0, slash);
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max == 7 ? 6 : max;
      } else if (range.contains("-")) {
        String[] ab = range.split("-", 2);
        lo = number(ab[0], min, max, names, expr);
        hi = number(ab[1], min, max, names, expr);
      } else {
        lo = number(range, min, max, names, expr);
        hi = slash >= 0 ? (max == 7 ? 6 : max) : lo;
      }
      if (lo > hi) throw new IllegalArgumentException("bad range " + part + " in " + expr);
      for (int v = lo; v <= hi; v += step) bits.set(v);
    }
    return star;
  }

  private static int number(String s, int min, int max, String[] names, String expr) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) return i;
      }
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + s + " in " + expr);
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(s + " is out of range [" + min + ", " + max + "] in " + expr);
    }
    return v;
  }

  /** Go-style durations: 1h30m, 2s, 500ms, 1.5h. */
  static Duration parseGoDuration(String s) {
    return Durations.parseGo(s, false);
  }

  /** The first schedule time strictly after {@code t}. */
  public Instant next(Instant t) {
    if (every != null) {
      return t.truncatedTo(ChronoUnit.SECONDS).plus(every);
    }
    ZonedDateTime z = t.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = z.plusYears(5);
    while (z.isBefore(limit)) {
      if (!months.get(z.getMonthValue())) {
        z = z.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1);
        continue;
      }
      if (!dayMatches(z)) {
        z = z.withHour(0).withMinute(0).plusDays(1);
        continue;
      }
      if (!hours.get(z.getHour())) {
        z = z.withMinute(0).plusHours(1);
        continue;
      }
      if (!minutes.get(z.getMinute())) {
        z = z.plusMinutes(1);
        continue;
      }
      return z.toInstant();
    }
    throw new IllegalArgumentException("schedule never fires");
  }

  private boolean dayMatches(ZonedDateTime z) {
    boolean dom = daysOfMonth.get(z.getDayOfMonth());
    int dowValue = z.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : z.getDayOfWeek().getValue();
    boolean dow = daysOfWeek.get(dowValue);
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow; // both restricted: either matches (classic cron)
  }

  /**
   * Backoff before the next run: the first schedule time after {@code closeTime}, counting
   * schedule times from the run's {@code startTime} (as Temporal does).
   */
  public long backoffMillis(long startTime, long closeTime) {
    Instant next = next(Instant.ofEpochMilli(startTime));
    Instant close = Instant.ofEpochMilli(closeTime);
    while (next.isBefore(close)) {
      next = next(next);
    }
    return Math.max(0, next.toEpochMilli() - closeTime);
  }
}
