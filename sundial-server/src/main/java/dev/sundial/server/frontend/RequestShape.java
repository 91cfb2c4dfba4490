package dev.sundial.server.frontend;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks every field of an inbound request against the rules that hold for all RPCs, before any
 * RPC-specific validation: enum values must be known, durations and timestamps inside protobuf's
 * range, each payload-carrying message within the payload limit, identifiers and names within
 * Temporal's id length limit, and any other text within the payload limit. Returns the first
 * problem as a message that names the field, or null.
 */
public final class RequestShape {
  /** Temporal's limit on ids and names (its MaxIDLengthLimit). */
  static final int MAX_NAME_LENGTH = RequestValidator.MAX_ID_LENGTH;
  // protobuf's valid ranges (google/protobuf/duration.proto, timestamp.proto).
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;
  private static final Set<String> PAYLOAD_HOLDERS = Set.of(
      "temporal.api.common.v1.Payload", "temporal.api.common.v1.Payloads",
      "temporal.api.common.v1.Memo", "temporal.api.common.v1.Header",
      "temporal.api.common.v1.SearchAttributes");
  private static final Set<String> NAME_FIELDS = Set.of(
      "namespace", "identity", "name", "cron_schedule", "query_type", "request_id");

  private final int maxPayloadBytes;

  RequestShape(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  /** The first problem with this request, naming the field, or null when there is none. */
  public String problem(Message request) {
    return check(request, "");
  }

  private String check(Message m, String path) {
    Descriptor type = m.getDescriptorForType();
    String full = type.getFullName();
    if (full.equals("google.protobuf.Duration")) return duration((Duration) m, path);
    if (full.equals("google.protobuf.Timestamp")) return timestamp((Timestamp) m, path);
    if (PAYLOAD_HOLDERS.contains(full)) {
      int size = m.getSerializedSize();
      if (size > maxPayloadBytes) {
        return field(path) + " size " + size + " bytes exceeds the limit of " + maxPayloadBytes
            + " bytes.";
      }
      return null; // payload contents are the application's
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String at = path.isEmpty() ? f.getName() : path + "." + f.getName();
      if (f.isRepeated()) {
        for (Object each : (List<?>) e.getValue()) {
          String p = value(f, each, at);
          if (p != null) return p;
        }
      } else {
        String p = value(f, e.getValue(), at);
        if (p != null) return p;
      }
    }
    return null;
  }

  private String value(FieldDescriptor f, Object v, String at) {
    switch (f.getJavaType()) {
      case ENUM -> {
        EnumValueDescriptor e = (EnumValueDescriptor) v;
        if (e.getType().findValueByNumber(e.getNumber()) == null) {
          return "Unknown value " + e.getNumber() + " for " + field(at) + " ("
              + e.getType().getName() + ").";
        }
      }
      case STRING -> {
        String s = (String) v;
        boolean name = NAME_FIELDS.contains(f.getName()) || f.getName().endsWith("_id")
            || f.getName().endsWith("_name");
        int limit = name ? MAX_NAME_LENGTH : maxPayloadBytes;
        if (s.length() > limit) {
          return field(at) + " length " + s.length() + " exceeds the limit of " + limit + ".";
        }
      }
      case MESSAGE -> {
        return check((Message) v, at);
      }
      default -> { }
    }
    return null;
  }

  private static String duration(Duration d, String at) {
    long s = d.getSeconds();
    int n = d.getNanos();
    boolean ok = Math.abs(s) <= MAX_DURATION_SECONDS && Math.abs(n) <= 999_999_999
        && !(s > 0 && n < 0) && !(s < 0 && n > 0);
    if (!ok) {
      return field(at) + " is not a valid duration (seconds " + s + ", nanos " + n
          + "; at most " + MAX_DURATION_SECONDS + " s).";
    }
    // Durations become times (now + timeout, now + delay): the sum must stay a valid timestamp.
    long now = System.currentTimeMillis() / 1000;
    if (s > MAX_TIMESTAMP_SECONDS - now || s < MIN_TIMESTAMP_SECONDS - now) {
      return field(at) + " of " + s + " s is too long: from now it ends past the year 9999.";
    }
    return null;
  }

  private static String timestamp(Timestamp t, String at) {
    boolean ok = t.getSeconds() >= MIN_TIMESTAMP_SECONDS && t.getSeconds() <= MAX_TIMESTAMP_SECONDS
        && t.getNanos() >= 0 && t.getNanos() <= 999_999_999;
    return ok ? null : field(at) + " is not a valid timestamp (seconds " + t.getSeconds()
        + ", nanos " + t.getNanos() + ").";
  }

  /** A field path as written in messages: workflow_execution_timeout → WorkflowExecutionTimeout. */
  private static String field(String path) {
    StringBuilder b = new StringBuilder();
    boolean upper = true;
    for (char c : path.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else if (c == '.') {
        b.append('.');
        upper = true;
      } else {
        b.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return b.toString();
  }
}
