package dev.sundial.cli.client;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Timestamps in flags: RFC 3339, as {@code temporal} takes them (2026-01-31T12:00:00Z). */
public final class Times {
  private Times() {}

  public static Timestamp parse(String text, String flag) {
    try {
      Instant i = OffsetDateTime.parse(text.strip()).toInstant();
      return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(flag + " must be an RFC 3339 time such as"
          + " 2026-01-31T12:00:00Z but was '" + text + "'");
    }
  }
}
