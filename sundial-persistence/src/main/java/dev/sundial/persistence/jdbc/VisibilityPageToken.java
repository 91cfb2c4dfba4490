package dev.sundial.persistence.jdbc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list page token: the sort key values of the last row returned, and a fingerprint of the sort
 * they belong to (a token from another ordering is rejected instead of skipping rows).
 */
final class VisibilityPageToken {
  private static final int MAGIC = 0x53565031; // "SVP1"
  private static final byte NULL = 0;
  private static final byte LONG = 1;
  private static final byte DOUBLE = 2;
  private static final byte STRING = 3;

  private VisibilityPageToken() {}

  static byte[] encode(int sortFingerprint, List<Object> values) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(sortFingerprint);
      out.writeShort(values.size());
      for (Object v : values) {
        if (v == null) {
          out.writeByte(NULL);
        } else if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
          out.writeByte(LONG);
          out.writeLong(n.longValue());
        } else if (v instanceof Number n) {
          out.writeByte(DOUBLE);
          out.writeDouble(n.doubleValue());
        } else {
          out.writeByte(STRING);
          out.writeUTF(v.toString());
        }
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key values; IllegalArgumentException when the token is not for this sort. */
  static List<Object> decode(byte[] token, int sortFingerprint, int keyCount) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(token));
      if (in.readInt() != MAGIC || in.readInt() != sortFingerprint) {
        throw invalid();
      }
      int n = in.readUnsignedShort();
      if (n != keyCount) {
        throw invalid();
      }
      List<Object> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        switch (in.readByte()) {
          case NULL -> values.add(null);
          case LONG -> values.add(in.readLong());
          case DOUBLE -> values.add(in.readDouble());
          case STRING -> values.add(in.readUTF());
          default -> throw invalid();
        }
      }
      if (in.available() > 0) {
        throw invalid();
      }
      return values;
    } catch (IOException e) {
      throw invalid();
    }
  }

  private static IllegalArgumentException invalid() {
    return new IllegalArgumentException("NextPageToken is not valid for this query.");
  }
}
