package dev.sundial.engine.schedule.spec;

import io.temporal.api.schedule.v1.CalendarSpec;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.Range;
import io.temporal.api.schedule.v1.StructuredCalendarSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the text forms of a schedule spec into the structured form: {@link CalendarSpec} fields
 * ("*", "x", "x-z", "x/y", "x-z/y", comma lists, month and weekday names) and cron strings (5, 6
 * or 7 fields, the @hourly family, "@every interval[/phase]", a leading TZ= or CRON_TZ= and a
 * trailing "# comment"). Throws IllegalArgumentException naming the field on bad input.
 */
public final class CalendarParser {
  static final int MIN_YEAR = 2000;
  static final int MAX_YEAR = 2100;
  static final int MAX_COMMENT = 200;

  private static final String[] MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"
  };
  private static final String[] WEEKDAYS = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"
  };

  private enum Kind { NUMBER, YEAR, MONTH, WEEKDAY }

  /** A parsed cron string: either a calendar or an interval, and the time zone it named ("" none). */
  public record Cron(StructuredCalendarSpec calendar, IntervalSpec interval, String timeZone) {}

  private CalendarParser() {}

  /** A calendar of strings with Temporal's defaults: second, minute, hour 0; the rest "*". */
  public static StructuredCalendarSpec structured(CalendarSpec c) {
    List<String> errors = new ArrayList<>();
    StructuredCalendarSpec.Builder b =
        StructuredCalendarSpec.newBuilder()
            .addAllSecond(field(c.getSecond(), "Second", "0", 0, 59, Kind.NUMBER, errors))
            .addAllMinute(field(c.getMinute(), "Minute", "0", 0, 59, Kind.NUMBER, errors))
            .addAllHour(field(c.getHour(), "Hour", "0", 0, 23, Kind.NUMBER, errors))
            .addAllDayOfMonth(field(c.getDayOfMonth(), "DayOfMonth", "*", 1, 31, Kind.NUMBER, errors))
            .addAllMonth(field(c.getMonth(), "Month", "*", 1, 12, Kind.MONTH, errors))
            .addAllYear(field(c.getYear(), "Year", "*", MIN_YEAR, MAX_YEAR, Kind.YEAR, errors))
            .addAllDayOfWeek(field(c.getDayOfWeek(), "DayOfWeek", "*", 0, 7, Kind.WEEKDAY, errors))
            .setComment(c.getComment());
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", errors));
    }
    return b.build();
  }

  /** Parses one cron string (see the class comment). */
  public static Cron cron(String text) {
    String s = text.strip();
    String zone = "";
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      int space = s.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("cron string \"" + text + "\" has a time zone but no fields");
      }
      zone = s.substring(s.indexOf('=') + 1, space);
      s = s.substring(space + 1).strip();
    }
    String comment = "";
    int hash = s.indexOf('#');
    if (hash >= 0) {
      comment = s.substring(hash + 1).strip();
      s = s.substring(0, hash).strip();
    }
    if (s.startsWith("@every")) {
      return new Cron(null, every(s, text), "");
    }
    s = switch (s) {
      case "@yearly", "@annually" -> "0 0 1 1 *";
      case "@monthly" -> "0 0 1 * *";
      case "@weekly" -> "0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 * * *";
      case "@hourly" -> "0 * * * *";
      default -> s;
    };
    String[] f = s.isEmpty() ? new String[0] : s.split("\\s+");
    CalendarSpec.Builder c = CalendarSpec.newBuilder().setComment(comment);
    switch (f.length) {
      case 5 -> c.setMinute(f[0]).setHour(f[1]).setDayOfMonth(f[2]).setMonth(f[3]).setDayOfWeek(f[4]);
      case 6 -> c.setMinute(f[0]).setHour(f[1]).setDayOfMonth(f[2]).setMonth(f[3]).setDayOfWeek(f[4])
          .setYear(f[5]);
      case 7 -> c.setSecond(f[0]).setMinute(f[1]).setHour(f[2]).setDayOfMonth(f[3]).setMonth(f[4])
          .setDayOfWeek(f[5]).setYear(f[6]);
      default -> throw new IllegalArgumentException(
          "cron string \"" + text + "\" must have 5 to 7 fields, has " + f.length);
    }
    return new Cron(structured(c.build()), null, zone);
  }

  private static IntervalSpec every(String s, String text) {
    String rest = s.substring("@every".length());
    if (rest.isEmpty() || !Character.isWhitespace(rest.charAt(0)) || rest.isBlank()) {
      throw new IllegalArgumentException("cron string \"" + text + "\" has no interval after @every");
    }
    rest = rest.strip();
    String interval = rest;
    String phase = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      interval = rest.substring(0, slash);
      phase = rest.substring(slash + 1);
    }
    IntervalSpec.Builder b = IntervalSpec.newBuilder().setInterval(proto(duration(interval)));
    if (!phase.isEmpty()) {
      b.setPhase(proto(duration(phase)));
    }
    return b.build();
  }

  static com.google.protobuf.Duration proto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /**
   * A duration such as "90s", "15m", "1h30m", "2d" or "500ms": decimal numbers each followed by a
   * unit (ns, us, ms, s, m, h, d).
   */
  public static Duration duration(String text) {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
      if (start == i) {
        throw new IllegalArgumentException("bad duration \"" + text + "\"");
      }
      BigDecimal value;
      try {
        value = new BigDecimal(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad duration \"" + text + "\"");
      }
      int u = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
      long unit = switch (s.substring(u, i).toLowerCase(Locale.ROOT)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        case "d" -> 86_400_000_000_000L;
        default -> throw new IllegalArgumentException(
            "bad unit \"" + s.substring(u, i) + "\" in duration \"" + text + "\"");
      };
      nanos = nanos.add(value.multiply(BigDecimal.valueOf(unit)));
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** Parses one field into ranges (compact: single values have end 0, step 1 is stored as 0). */
  private static List<Range> field(
      String text, String name, String dflt, int min, int max, Kind kind, List<String> errors) {
    try {
      return ranges(text, name, dflt, min, max, kind);
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return List.of();
    }
  }

  private static List<Range> ranges(String text, String name, String dflt, int min, int max, Kind kind) {
    String s = text == null ? "" : text.strip();
    if (s.isEmpty()) {
      s = dflt;
    }
    List<Range> out = new ArrayList<>();
    if (s.equals("*") && kind == Kind.YEAR) {
      return out; // every year: no ranges
    }
    for (String raw : s.split(",", -1)) {
      String part = raw.strip();
      int step = 1;
      boolean stepped = false;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        if (part.indexOf('/', slash + 1) >= 0) {
          throw new IllegalArgumentException(name + " \"" + s + "\" has too many slashes");
        }
        String st = part.substring(slash + 1).strip();
        if (st.isEmpty()) {
          throw new IllegalArgumentException(name + " \"" + s + "\" has no step after '/'");
        }
        try {
          step = Integer.parseInt(st);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " step \"" + st + "\" is not a number");
        }
        if (step < 1) {
          throw new IllegalArgumentException(name + " step must be at least 1, got " + step);
        }
        stepped = true;
        part = part.substring(0, slash).strip();
      }
      int start = min;
      int end = max;
      if (!part.equals("*")) {
        int dash = part.indexOf('-');
        if (dash >= 0) {
          if (part.indexOf('-', dash + 1) >= 0) {
            throw new IllegalArgumentException(name + " \"" + s + "\" has too many dashes");
          }
          start = value(part.substring(0, dash), name, min, max, kind);
          end = value(part.substring(dash + 1), name, min, max, kind);
          if (end < start) {
            throw new IllegalArgumentException(
                name + " range " + part + " ends before it starts");
          }
        } else {
          start = value(part, name, min, max, kind);
          end = stepped ? max : start;
        }
      }
      if (kind == Kind.WEEKDAY && end == 7) {
        // 7 is Sunday too: fold it onto 0.
        boolean hitsSeven = (7 - start) % step == 0;
        if (start == 7) {
          out.add(Range.newBuilder().setStart(0).build());
          continue;
        }
        if (hitsSeven && step == 1 && start <= 1) {
          out.add(compact(0, 6, 1));
          continue;
        }
        if (hitsSeven) {
          out.add(Range.newBuilder().setStart(0).build());
        }
        end = 6;
      }
      out.add(compact(start, end, step));
    }
    return out;
  }

  private static Range compact(int start, int end, int step) {
    return Range.newBuilder()
        .setStart(start)
        .setEnd(end == start ? 0 : end)
        .setStep(step == 1 ? 0 : step)
        .build();
  }

  private static int value(String text, String name, int min, int max, Kind kind) {
    String s = text.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    if (kind == Kind.MONTH && lower.length() >= 3) {
      for (int i = 0; i < MONTHS.length; i++) {
        if (MONTHS[i].startsWith(lower)) {
          return i + 1;
        }
      }
    }
    if (kind == Kind.WEEKDAY && lower.length() >= 2) {
      for (int i = 0; i < WEEKDAYS.length; i++) {
        if (WEEKDAYS[i].startsWith(lower)) {
          return i;
        }
      }
    }
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " value \"" + s + "\" is not a number"
          + (kind == Kind.MONTH ? " or month name" : kind == Kind.WEEKDAY ? " or weekday name" : ""));
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          name + " value " + v + " is not in range [" + min + "-" + max + "]");
    }
    return v;
  }
}
