package dev.sundial.engine.state;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Sundial's stored forms: a format byte followed by a protobuf message, written into one array
 * and read without copying the message bytes out first.
 */
public final class FormattedMessages {
  private FormattedMessages() {}

  public static byte[] write(byte format, MessageLite message) {
    int size = message.getSerializedSize();
    byte[] out = new byte[size + 1];
    out[0] = format;
    try {
      CodedOutputStream cos = CodedOutputStream.newInstance(out, 1, size);
      message.writeTo(cos);
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The message after the format byte. */
  public static <M> M read(Parser<M> parser, byte[] data) throws InvalidProtocolBufferException {
    return parser.parseFrom(data, 1, data.length - 1);
  }
}
