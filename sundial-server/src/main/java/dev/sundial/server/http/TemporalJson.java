package dev.sundial.server.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Status;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.errordetails.v1.MessageProto;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proto3 JSON as Temporal's HTTP API writes and reads it: JsonFormat plus the payload shorthand.
 * With shorthand, a {@code json/plain} payload carrying no other metadata is its JSON value, a
 * {@code binary/null} payload is {@code null}, a {@code json/protobuf} payload is its object with
 * {@code _protoMessageType}, and {@code Payloads} whose every payload has a shorthand form is an
 * array. Reading accepts both forms: an object that is a well-formed long-form payload stays one;
 * anything else is a JSON value.
 */
public final class TemporalJson {
  private static final String ENCODING = "encoding";
  private static final String MESSAGE_TYPE = "messageType";
  private static final String PROTO_TYPE_KEY = "_protoMessageType";
  private static final Descriptor PAYLOAD = Payload.getDescriptor();
  private static final Descriptor PAYLOADS = Payloads.getDescriptor();

  private final JsonFormat.Printer printer;
  private final JsonFormat.Parser parser;
  /** Whether a message type can hold a Payload somewhere below it (walks skip the rest). */
  private final Map<Descriptor, Boolean> holdsPayloads = new ConcurrentHashMap<>();

  public TemporalJson() {
    TypeRegistry types =
        TypeRegistry.newBuilder()
            .add(MessageProto.getDescriptor().getMessageTypes())
            .add(io.temporal.api.failure.v1.MessageProto.getDescriptor().getMessageTypes())
            .add(Status.getDescriptor())
            .build();
    this.printer = JsonFormat.printer().usingTypeRegistry(types).omittingInsignificantWhitespace();
    this.parser = JsonFormat.parser().usingTypeRegistry(types);
  }

  // ------------------------------------------------------------------ writing

  public String print(Message message, boolean shorthand) {
    try {
      String json = printer.print(message);
      if (!shorthand || !holdsPayloads(message.getDescriptorForType())) {
        return json;
      }
      JsonElement tree = JsonParser.parseString(json);
      return shorten(message, tree).toString();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot write " + message.getDescriptorForType(), e);
    }
  }

  /** Replaces long-form payloads under {@code json} (printed from {@code m}) by shorthand. */
  private JsonElement shorten(Message m, JsonElement json) {
    Descriptor type = m.getDescriptorForType();
    if (type == PAYLOAD) {
      JsonElement s = shorthand((Payload) m);
      return s != null ? s : json;
    }
    if (type == PAYLOADS) {
      Payloads p = (Payloads) m;
      JsonArray out = new JsonArray();
      for (Payload each : p.getPayloadsList()) {
        JsonElement s = shorthand(each);
        if (s == null) {
          return json; // all or nothing, as Temporal does
        }
        out.add(s);
      }
      return out;
    }
    if (!json.isJsonObject()) {
      return json;
    }
    JsonObject obj = json.getAsJsonObject();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) continue;
      JsonElement printed = obj.get(f.getJsonName());
      if (printed == null) continue;
      if (f.isMapField()) {
        FieldDescriptor valueField = f.getMessageType().findFieldByName("value");
        if (valueField.getJavaType() != FieldDescriptor.JavaType.MESSAGE
            || !holdsPayloads(valueField.getMessageType())) continue;
        JsonObject map = printed.getAsJsonObject();
        for (Object entry : (List<?>) e.getValue()) {
          Message me = (Message) entry;
          String key = String.valueOf(me.getField(f.getMessageType().findFieldByName("key")));
          JsonElement v = map.get(key);
          if (v != null) map.add(key, shorten((Message) me.getField(valueField), v));
        }
      } else if (!holdsPayloads(f.getMessageType())) {
        continue;
      } else if (f.isRepeated()) {
        JsonArray arr = printed.getAsJsonArray();
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size() && i < arr.size(); i++) {
          arr.set(i, shorten((Message) values.get(i), arr.get(i)));
        }
      } else {
        obj.add(f.getJsonName(), shorten((Message) e.getValue(), printed));
      }
    }
    return obj;
  }

  /** The shorthand form of a payload, or null when it has none (written in long form). */
  private static JsonElement shorthand(Payload p) {
    ByteString enc = p.getMetadataMap().get(ENCODING);
    if (enc == null) return null;
    String encoding = enc.toStringUtf8();
    if (encoding.equals("binary/null")) {
      return JsonNull.INSTANCE;
    }
    try {
      if (encoding.equals("json/plain") && p.getMetadataCount() == 1) {
        return JsonParser.parseString(p.getData().toStringUtf8());
      }
      ByteString type = p.getMetadataMap().get(MESSAGE_TYPE);
      if (encoding.equals("json/protobuf") && type != null && p.getMetadataCount() == 2) {
        JsonElement value = JsonParser.parseString(p.getData().toStringUtf8());
        if (!value.isJsonObject()) return null;
        value.getAsJsonObject().addProperty(PROTO_TYPE_KEY, type.toStringUtf8());
        return value;
      }
    } catch (JsonSyntaxException e) {
      return null; // not valid JSON after all: the long form shows the bytes as they are
    }
    return null;
  }

  private boolean holdsPayloads(Descriptor d) {
    Boolean known = holdsPayloads.get(d);
    if (known != null) return known;
    holdsPayloads.put(d, false); // breaks cycles while this one is computed
    boolean result = d == PAYLOAD || d == PAYLOADS;
    if (!result && d.getFullName().startsWith("temporal.")) {
      for (FieldDescriptor f : d.getFields()) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && holdsPayloads(f.getMessageType())) {
          result = true;
          break;
        }
      }
    }
    holdsPayloads.put(d, result);
    return result;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Merges {@code json} (already parsed, and with shorthand payloads when {@code shorthand}) into
   * the builder. Unknown fields, wrong types and bad enum names are refused with a message that
   * names the field.
   */
  public void merge(JsonObject json, Message.Builder builder, boolean shorthand)
      throws InvalidProtocolBufferException {
    normalize(builder.getDescriptorForType(), json, shorthand);
    parser.merge(json.toString(), builder);
  }

  /**
   * Rewrites what Temporal accepts beyond proto3 JSON into it, in place: shorthand payloads (when
   * {@code shorthand}) and enum values in the older PascalCase form without the type prefix
   * ({@code "BufferAll"} for {@code SCHEDULE_OVERLAP_POLICY_BUFFER_ALL}), which the UI still sends.
   */
  private void normalize(Descriptor d, JsonObject obj, boolean shorthand) {
    for (Map.Entry<String, JsonElement> e : obj.entrySet()) {
      FieldDescriptor f = field(d, e.getKey());
      if (f == null) continue;
      JsonElement v = e.getValue();
      if (f.isMapField()) {
        FieldDescriptor valueField = f.getMessageType().findFieldByName("value");
        if (v.isJsonObject()) {
          for (Map.Entry<String, JsonElement> me : v.getAsJsonObject().entrySet()) {
            me.setValue(normalizeValue(valueField, me.getValue(), shorthand));
          }
        }
      } else if (f.isRepeated() && v.isJsonArray()) {
        JsonArray arr = v.getAsJsonArray();
        for (int i = 0; i < arr.size(); i++) arr.set(i, normalizeValue(f, arr.get(i), shorthand));
      } else {
        e.setValue(normalizeValue(f, v, shorthand));
      }
    }
  }

  private JsonElement normalizeValue(FieldDescriptor f, JsonElement v, boolean shorthand) {
    if (f.getJavaType() == FieldDescriptor.JavaType.ENUM) {
      return enumValue(f.getEnumType(), v);
    }
    if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) return v;
    Descriptor type = f.getMessageType();
    if (shorthand && type == PAYLOAD) {
      return longPayload(v);
    }
    if (shorthand && type == PAYLOADS && v.isJsonArray()) {
      JsonArray list = new JsonArray();
      for (JsonElement each : v.getAsJsonArray()) list.add(longPayload(each));
      JsonObject out = new JsonObject();
      out.add("payloads", list);
      return out;
    }
    if (v.isJsonObject() && !type.getFullName().startsWith("google.protobuf.")) {
      normalize(type, v.getAsJsonObject(), shorthand);
    }
    return v;
  }

  /** A known enum name as is; "BufferAll" of ScheduleOverlapPolicy as its full name. */
  private static JsonElement enumValue(Descriptors.EnumDescriptor type,
      JsonElement v) {
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) return v;
    String name = v.getAsString();
    if (name.isEmpty() || type.findValueByName(name) != null || !Character.isUpperCase(name.charAt(0))
        || name.indexOf('_') >= 0) {
      return v;
    }
    String full = screamingSnake(type.getName()) + "_" + screamingSnake(name);
    return type.findValueByName(full) != null ? new JsonPrimitive(full) : v;
  }

  private static String screamingSnake(String pascal) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pascal.length(); i++) {
      char c = pascal.charAt(i);
      if (Character.isUpperCase(c) && i > 0) b.append('_');
      b.append(Character.toUpperCase(c));
    }
    return b.toString();
  }

  private static JsonElement longPayload(JsonElement v) {
    if (v.isJsonNull()) {
      return longForm("binary/null", null, null);
    }
    if (v.isJsonObject()) {
      JsonObject o = v.getAsJsonObject();
      if (isLongForm(o)) return o;
      JsonElement type = o.get(PROTO_TYPE_KEY);
      if (type != null && type.isJsonPrimitive() && type.getAsJsonPrimitive().isString()) {
        JsonObject copy = o.deepCopy();
        copy.remove(PROTO_TYPE_KEY);
        return longForm("json/protobuf", type.getAsString(), copy.toString());
      }
    }
    return longForm("json/plain", null, v.toString());
  }

  /** An object with base64 metadata (including an encoding) and base64 data, and nothing else. */
  private static boolean isLongForm(JsonObject o) {
    JsonElement md = o.get("metadata");
    if (md == null || !md.isJsonObject() || !md.getAsJsonObject().has(ENCODING)) return false;
    for (Map.Entry<String, JsonElement> e : md.getAsJsonObject().entrySet()) {
      if (!isBase64String(e.getValue())) return false;
    }
    JsonElement data = o.get("data");
    if (data == null) {
      // binary/null needs no data
      return o.size() == 1
          && "YmluYXJ5L251bGw=".equals(md.getAsJsonObject().get(ENCODING).getAsString());
    }
    return o.size() == 2 && isBase64String(data);
  }

  private static boolean isBase64String(JsonElement e) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) return false;
    String s = e.getAsString();
    try {
      if (s.indexOf('-') >= 0 || s.indexOf('_') >= 0) {
        Base64.getUrlDecoder().decode(s);
      } else {
        Base64.getDecoder().decode(s);
      }
      return true;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  private static JsonObject longForm(String encoding, String messageType, String data) {
    JsonObject md = new JsonObject();
    md.add(ENCODING, base64(encoding));
    if (messageType != null) md.add(MESSAGE_TYPE, base64(messageType));
    JsonObject out = new JsonObject();
    out.add("metadata", md);
    if (data != null) out.add("data", base64(data));
    return out;
  }

  private static JsonPrimitive base64(String s) {
    return new JsonPrimitive(
        Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)));
  }

  /** A field by its JSON name or its proto name, as JsonFormat accepts both. */
  static FieldDescriptor field(Descriptor d, String name) {
    FieldDescriptor f = d.findFieldByName(name);
    if (f != null) return f;
    for (FieldDescriptor each : d.getFields()) {
      if (each.getJsonName().equals(name)) return each;
    }
    return null;
  }
}
