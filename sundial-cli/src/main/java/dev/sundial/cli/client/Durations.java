package dev.sundial.cli.client;

import java.time.Duration;

/**
 * Durations as the {@code temporal} CLI reads them: Go's form ({@code 1h30m}, {@code 90s},
 * {@code 500ms}) plus days ({@code 30d}); a bare number is seconds.
 */
public final class Durations {

  private Durations() {}

  /** The duration, or IllegalArgumentException naming {@code flag}. */
  public static Duration parse(String text, String flag) {
    String t = text == null ? "" : text.strip();
    if (t.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    try {
      return dev.sundial.engine.state.Durations.parseGo(t, true);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " must be a duration such as 30s, 10m, 1h30m or 30d"
          + " but was '" + text + "'");
    }
  }

  /** As the CLI prints durations: {@code 1h2m3s}, {@code 30d}, {@code 250ms}. */
  public static String format(Duration d) {
    if (d.isZero()) return "0s";
    StringBuilder b = new StringBuilder();
    long days = d.toDays();
    if (days > 0 && d.equals(Duration.ofDays(days))) return days + "d";
    long h = d.toHours();
    if (h > 0) b.append(h).append('h');
    if (d.toMinutesPart() > 0) b.append(d.toMinutesPart()).append('m');
    if (d.toSecondsPart() > 0) b.append(d.toSecondsPart()).append('s');
    if (d.toMillisPart() > 0) b.append(d.toMillisPart()).append("ms");
    return b.length() == 0 ? d.toNanos() + "ns" : b.toString();
  }
}
