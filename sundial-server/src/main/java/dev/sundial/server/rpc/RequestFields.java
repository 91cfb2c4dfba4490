package dev.sundial.server.rpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * Reads fields of any request message by name, as the layers in front of the handlers need them
 * (routing, authorization, the audit log, the logging context) without knowing each request type.
 */
public final class RequestFields {
  private RequestFields() {}

  /** A field by dotted path (first element of a repeated field); null when absent. */
  public static Object field(Message m, String path) {
    Object value = m;
    for (String name : path.split("\\.")) {
      if (!(value instanceof Message msg)) return null;
      FieldDescriptor f = msg.getDescriptorForType().findFieldByName(name);
      if (f == null) return null;
      if (f.isRepeated()) {
        if (msg.getRepeatedFieldCount(f) == 0) return null;
        value = msg.getRepeatedField(f, 0);
      } else {
        value = msg.getField(f);
      }
    }
    return value;
  }

  /** A string field by dotted path; "" when absent or not a string. */
  public static String string(Message m, String path) {
    return field(m, path) instanceof String s ? s : "";
  }

  /** A message field that is set (or the first of a repeated one); null when not. */
  public static Message message(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    if (f == null || f.getType() != FieldDescriptor.Type.MESSAGE) return null;
    if (f.isRepeated()) {
      return m.getRepeatedFieldCount(f) == 0 ? null : (Message) m.getRepeatedField(f, 0);
    }
    return m.hasField(f) ? (Message) m.getField(f) : null;
  }
}
