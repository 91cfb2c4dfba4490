package dev.sundial.engine.visibility;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SaValue;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Search attribute values as the SDKs send them: JSON payloads ("json/plain"), with the value type
 * in the "type" metadata. A null, {@code []} or empty payload means "no value" (unset). Scalar
 * types also accept a one-element list; KeywordList also accepts a single string.
 */
public final class SearchAttributePayloads {
  static final String TYPE_KEY = "type";
  private static final String ENCODING_KEY = "encoding";
  private static final Pattern INTEGER = Pattern.compile("-?\\d+");

  private SearchAttributePayloads() {}

  /** The type named in the payload's metadata, or null. */
  public static SaType declaredType(Payload p) {
    ByteString t = p.getMetadataMap().get(TYPE_KEY);
    return t == null ? null : SaType.ofTemporalName(t.toStringUtf8());
  }


  /** The payload with its "type" metadata set to {@code type}. */
  public static Payload withType(Payload p, SaType type) {
    return p.toBuilder()
        .putMetadata(TYPE_KEY, ByteString.copyFromUtf8(type.temporalName()))
        .build();
  }

  /** True when the payload carries no value (null, empty list, or no data): it unsets. */
  public static boolean isNil(Payload p) {
    String data = p.getData().toStringUtf8().strip();
    return data.isEmpty() || data.equals("null") || data.equals("[]");
  }


  /** A Keyword payload (json/plain with type metadata). */
  public static Payload keyword(String value) {
    return Payload.newBuilder()
        .putMetadata(ENCODING_KEY, ByteString.copyFromUtf8("json/plain"))
        .putMetadata(TYPE_KEY, ByteString.copyFromUtf8(SaType.KEYWORD.temporalName()))
        .setData(ByteString.copyFromUtf8(new JsonPrimitive(value).toString()))
        .build();
  }

  /**
   * Decodes a value of the given type; null when the payload unsets the attribute. Throws
   * IllegalArgumentException when the value does not fit the type.
   */
  public static SaValue decode(Payload p, SaType type) {
    JsonElement json = json(p);
    if (json == null) {
      return null;
    }
    if (json.isJsonArray()) {
      JsonArray a = json.getAsJsonArray();
      if (a.isEmpty()) {
        return null;
      }
      if (type == SaType.KEYWORD_LIST) {
        List<String> items = new ArrayList<>(a.size());
        for (JsonElement e : a) {
          items.add(string(e));
        }
        return SaValue.keywordList(items);
      }
      if (a.size() != 1) {
        throw new IllegalArgumentException("a list of values is allowed only for KeywordList");
      }
      json = a.get(0);
    }
    if (json.isJsonNull()) {
      return null;
    }
    return switch (type) {
      case KEYWORD -> SaValue.keyword(string(json));
      case TEXT -> SaValue.text(string(json));
      case KEYWORD_LIST -> SaValue.keywordList(List.of(string(json)));
      case INT -> {
        String n = number(json);
        if (!INTEGER.matcher(n).matches()) {
          throw new IllegalArgumentException("not an integer");
        }
        try {
          yield SaValue.integer(Long.parseLong(n));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("integer out of range");
        }
      }
      case DOUBLE -> {
        double d = Double.parseDouble(number(json));
        if (!Double.isFinite(d)) {
          throw new IllegalArgumentException("number out of range");
        }
        yield SaValue.dbl(d);
      }
      case BOOL -> {
        if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isBoolean()) {
          throw new IllegalArgumentException("not a boolean");
        }
        yield SaValue.bool(json.getAsBoolean());
      }
      case DATETIME -> SaValue.datetimeNanos(datetimeNanos(string(json)));
    };
  }

  /** A guess at the type of a payload that does not declare one (values from old clients). */
  public static SaType infer(Payload p) {
    try {
      JsonElement json = json(p);
      if (json == null || json.isJsonNull()) return null;
      if (json.isJsonArray()) return SaType.KEYWORD_LIST;
      if (!json.isJsonPrimitive()) return null;
      JsonPrimitive prim = json.getAsJsonPrimitive();
      if (prim.isBoolean()) return SaType.BOOL;
      if (prim.isNumber()) return INTEGER.matcher(prim.getAsString()).matches() ? SaType.INT : SaType.DOUBLE;
      return SaType.KEYWORD;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Parses RFC 3339 (e.g. 2024-01-02T03:04:05.123Z or with an offset) to epoch nanoseconds. */
  public static long datetimeNanos(String text) {
    try {
      OffsetDateTime t = OffsetDateTime.parse(text.strip());
      Instant i = t.toInstant();
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new IllegalArgumentException("not an RFC 3339 date-time: " + text);
    }
  }

  /** The JSON value of a payload, or null for "no value". */
  private static JsonElement json(Payload p) {
    ByteString encoding = p.getMetadataMap().get(ENCODING_KEY);
    String enc = encoding == null ? "json/plain" : encoding.toStringUtf8();
    if (enc.equals("binary/null")) {
      return null;
    }
    if (!enc.equals("json/plain")) {
      throw new IllegalArgumentException("encoding " + enc + " is not supported for search attributes");
    }
    String data = p.getData().toString(StandardCharsets.UTF_8).strip();
    if (data.isEmpty()) {
      return null;
    }
    try {
      return JsonParser.parseString(data);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed JSON");
    }
  }

  private static String string(JsonElement e) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("not a string");
    }
    return e.getAsString();
  }

  private static String number(JsonElement e) {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException("not a number");
    }
    return e.getAsJsonPrimitive().getAsString();
  }

  /** The payload's data as text, for error messages. */
  static String show(Payload p) {
    String s = p.getData().toStringUtf8();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
