package dev.sundial.engine.timer;

import dev.sundial.engine.proto.StoredTimerRef;
import dev.sundial.engine.state.FormattedMessages;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The payload of a timer task: which event/attempt it guards. */
public record TimerRef(long eventId, int attempt, int subtype, String name) {

  /** Format 2: a format byte, then a StoredTimerRef message. */
  private static final byte FORMAT = 2;

  public byte[] encode() {
    return FormattedMessages.write(
        FORMAT,
        StoredTimerRef.newBuilder()
            .setEventId(eventId)
            .setAttempt(attempt)
            .setSubtype(subtype)
            .setName(name == null ? "" : name)
            .build());
  }

  /**
   * Reads format 2, and format 1 (event id, attempt, subtype, name in a DataOutputStream layout:
   * 18 bytes or more, starting with the event id's high byte, which is 0), which timer rows written
   * before the protobuf encoding hold.
   */
  public static TimerRef decode(byte[] data) {
    try {
      if (data.length > 0 && data[0] == FORMAT) {
        StoredTimerRef p = FormattedMessages.read(StoredTimerRef.parser(), data);
        return new TimerRef(p.getEventId(), p.getAttempt(), p.getSubtype(), p.getName());
      }
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      return new TimerRef(in.readLong(), in.readInt(), in.readInt(), in.readUTF());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
