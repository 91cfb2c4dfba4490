package dev.sundial.engine.state;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.util.Locale;

/** Conversions between protobuf durations/timestamps and epoch millis; Go-style duration text. */
public final class Durations {
  private Durations() {}

  public static long toMillis(Duration d) {
    return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
  }

  public static Duration ofMillis(long ms) {
    return Duration.newBuilder()
        .setSeconds(Math.floorDiv(ms, 1000))
        .setNanos((int) Math.floorMod(ms, 1000) * 1_000_000)
        .build();
  }

  public static long toMillis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  public static boolean isNegative(Duration d) {
    return d.getSeconds() < 0 || d.getNanos() < 0;
  }

  /**
   * Go-style duration text ({@code 1h30m}, {@code 2s}, {@code 500ms}, {@code 1.5h}); with {@code
   * days}, also {@code d} (as Temporal's CLI takes {@code --retention 30d}).
   * IllegalArgumentException when it is not one.
   */
  public static java.time.Duration parseGo(String s, boolean days) {
    if (s.isEmpty()) throw new IllegalArgumentException("empty duration");
    long nanos = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
      if (start == i) throw new IllegalArgumentException("bad duration " + s);
      double v = Double.parseDouble(s.substring(start, i));
      int u = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
      String unit = s.substring(u, i).toLowerCase(Locale.ROOT);
      long mult = switch (unit) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        case "d" -> {
          if (!days) throw new IllegalArgumentException("bad duration unit 'd' in " + s);
          yield 86_400_000_000_000L;
        }
        default -> throw new IllegalArgumentException("bad duration unit '" + unit + "' in " + s);
      };
      double part = v * mult;
      if (part > Long.MAX_VALUE - nanos) throw new IllegalArgumentException("duration too long: " + s);
      nanos += (long) part;
    }
    return java.time.Duration.ofNanos(nanos);
  }
}
