package dev.sundial.engine.schedule.spec;

import dev.sundial.engine.state.Durations;
import io.temporal.api.schedule.v1.IntervalSpec;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.schedule.v1.StructuredCalendarSpec;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A canonical {@link ScheduleSpec} ready to compute action times: the union of its calendars and
 * intervals, minus exclusions, within [start_time, end_time], each shifted by deterministic
 * jitter. Pure: no clock, no I/O. Built by {@link ScheduleSpecs#compile}.
 */
public final class CompiledSpec {
  /** Upper bound on excluded candidates skipped in one search (an over-excluded spec stops). */
  static final int MAX_EXCLUDED_SKIPS = 2_000_000;
  private static final long MAX_EPOCH_SECOND =
      LocalDateTime.of(CalendarParser.MAX_YEAR + 1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

  /** One action time: the spec's time and that time with jitter applied (both epoch ms). */
  public record Next(long nominalMillis, long actualMillis) {}

  private final ScheduleSpec canonical;
  private final ZoneId zone;
  private final List<CompiledCalendar> calendars = new ArrayList<>();
  private final List<CompiledCalendar> excludes = new ArrayList<>();
  private final long[] intervals; // seconds
  private final long[] phases; // seconds
  private final long startMillis;
  private final long endMillis;
  private final long jitterMillis;

  CompiledSpec(ScheduleSpec canonical, ZoneId zone) {
    this.canonical = canonical;
    this.zone = zone;
    for (StructuredCalendarSpec c : canonical.getStructuredCalendarList()) {
      calendars.add(new CompiledCalendar(c, zone));
    }
    for (StructuredCalendarSpec c : canonical.getExcludeStructuredCalendarList()) {
      excludes.add(new CompiledCalendar(c, zone));
    }
    intervals = new long[canonical.getIntervalCount()];
    phases = new long[canonical.getIntervalCount()];
    for (int i = 0; i < intervals.length; i++) {
      IntervalSpec iv = canonical.getInterval(i);
      intervals[i] = Math.max(1, iv.getInterval().getSeconds());
      phases[i] = Math.max(0, iv.getPhase().getSeconds());
    }
    startMillis = canonical.hasStartTime() ? Durations.toMillis(canonical.getStartTime()) : Long.MIN_VALUE;
    endMillis = canonical.hasEndTime() ? Durations.toMillis(canonical.getEndTime()) : Long.MAX_VALUE;
    jitterMillis = canonical.hasJitter() ? Math.max(0, Durations.toMillis(canonical.getJitter())) : 0;
  }

  /** The canonical spec (structured calendars and intervals only). */
  public ScheduleSpec canonical() {
    return canonical;
  }

  public ZoneId zone() {
    return zone;
  }

  /**
   * The first action time whose nominal time is strictly after {@code afterMillis} (seconds
   * resolution), or null when the spec has no more times.
   */
  public Next next(String jitterSeed, long afterMillis) {
    long after = afterMillis;
    if (startMillis != Long.MIN_VALUE) {
      after = Math.max(after, startMillis - 1000); // the first second of the range may match
    }
    long afterSecond = Math.floorDiv(after, 1000);
    long nominal;
    int skips = 0;
    while (true) {
      nominal = rawNext(afterSecond);
      if (nominal < 0 || nominal >= MAX_EPOCH_SECOND
          || (endMillis != Long.MAX_VALUE && nominal * 1000 > endMillis)) {
        return null;
      }
      if (!excluded(nominal)) {
        break;
      }
      if (++skips > MAX_EXCLUDED_SKIPS) {
        return null;
      }
      afterSecond = nominal;
    }
    long maxJitter = jitterMillis;
    if (maxJitter > 0) {
      long following = rawNext(nominal); // jitter never pushes past the next nominal time
      if (following >= 0) {
        maxJitter = Math.min(maxJitter, (following - nominal) * 1000);
      }
    }
    return new Next(nominal * 1000, nominal * 1000 + Jitter.offsetMillis(jitterSeed, nominal, maxJitter));
  }

  /** Action times (after jitter) in (fromMillis, toMillis], at most limit. */
  public List<Long> times(String jitterSeed, long fromMillis, long toMillis, int limit) {
    List<Long> out = new ArrayList<>();
    long t = fromMillis;
    while (out.size() < limit) {
      Next n = next(jitterSeed, t);
      if (n == null || n.actualMillis() > toMillis) {
        break;
      }
      out.add(n.actualMillis());
      t = n.actualMillis();
    }
    return out;
  }

  /** The earliest calendar or interval second after {@code afterSecond}, ignoring exclusions. */
  long rawNext(long afterSecond) {
    long best = Long.MAX_VALUE;
    for (CompiledCalendar c : calendars) {
      long n = c.next(afterSecond);
      if (n >= 0 && n < best) {
        best = n;
      }
    }
    for (int i = 0; i < intervals.length; i++) {
      long n = Math.floorDiv(afterSecond - phases[i], intervals[i]) * intervals[i] + intervals[i] + phases[i];
      if (n < best) {
        best = n;
      }
    }
    return best == Long.MAX_VALUE ? -1 : best;
  }

  boolean excluded(long second) {
    if (excludes.isEmpty()) {
      return false;
    }
    Instant t = Instant.ofEpochSecond(second);
    for (CompiledCalendar c : excludes) {
      if (c.matches(t)) {
        return true;
      }
    }
    return false;
  }
}
