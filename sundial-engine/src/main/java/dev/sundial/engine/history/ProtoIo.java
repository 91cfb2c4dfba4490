package dev.sundial.engine.history;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Length-prefixed protobuf messages inside the engine's binary state encodings (-1 = null). */
public final class ProtoIo {
  private ProtoIo() {}

  public static void writeMsg(DataOutputStream out, MessageLite m) throws IOException {
    if (m == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = m.toByteArray();
    out.writeInt(b.length);
    out.write(b);
  }

  public static <T> T readMsg(DataInputStream in, Parser<T> parser) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      return null;
    }
    byte[] b = new byte[len];
    in.readFully(b);
    try {
      return parser.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(e);
    }
  }
}
