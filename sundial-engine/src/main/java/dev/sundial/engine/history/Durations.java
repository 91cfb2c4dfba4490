package dev.sundial.engine.history;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;

/** Conversions between protobuf durations/timestamps and epoch millis. */
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
}
