package dev.sundial.engine.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;

/**
 * The stored bytes of a message that does not change once set (a run's started attributes, an
 * activity's scheduled attributes), kept so that each write of the run does not serialize it
 * again. Valid while the field still holds the same message instance.
 */
final class EncodedMessage {
  private MessageLite message;
  private ByteString bytes;

  ByteString of(MessageLite m) {
    if (m != message) {
      bytes = m.toByteString();
      message = m;
    }
    return bytes;
  }

  /** Remembers the bytes a message was just parsed from. */
  <M extends MessageLite> M parsed(M m, ByteString from) {
    message = m;
    bytes = from;
    return m;
  }
}
