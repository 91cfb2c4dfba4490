package dev.sundial.engine.timer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The payload of a timer task: which event/attempt it guards. */
public record TimerRef(long eventId, int attempt, int subtype, String name) {

  public byte[] encode() {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream(32);
      DataOutputStream out = new DataOutputStream(b);
      out.writeLong(eventId);
      out.writeInt(attempt);
      out.writeInt(subtype);
      out.writeUTF(name == null ? "" : name);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TimerRef decode(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      return new TimerRef(in.readLong(), in.readInt(), in.readInt(), in.readUTF());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
