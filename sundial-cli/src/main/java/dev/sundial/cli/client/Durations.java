package dev.sundial.cli.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the {@code temporal} CLI reads them: Go's form ({@code 1h30m}, {@code 90s},
 * {@code 500ms}) plus days ({@code 30d}); a bare number is seconds.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

  private Durations() {}

  /** The duration, or IllegalArgumentException naming {@code flag}. */
  public static Duration parse(String text, String flag) {
    String t = text == null ? "" : text.strip();
    if (t.matches("\\d+")) {
      return Duration.ofSeconds(Long.parseLong(t));
    }
    Matcher m = PART.matcher(t);
    int at = 0;
    double nanos = 0;
    while (at < t.length() && m.find(at) && m.start() == at) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1d;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        case "h" -> 3600e9;
        default -> 86400e9;
      };
      at = m.end();
    }
    if (t.isEmpty() || at != t.length() || nanos > Long.MAX_VALUE) {
      throw new IllegalArgumentException(flag + " must be a duration such as 30s, 10m, 1h30m or 30d"
          + " but was '" + text + "'");
    }
    return Duration.ofNanos((long) nanos);
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
