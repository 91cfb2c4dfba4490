package dev.sundial.engine.state;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Length-prefixed protobuf messages (-1 = null) inside the format-1 state encodings that Sundial
 * still reads from databases written before its protobuf encodings.
 */
public final class ProtoIo {
  private ProtoIo() {}

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
