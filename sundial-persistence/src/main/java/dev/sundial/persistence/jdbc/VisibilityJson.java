package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SaValue;
import dev.sundial.persistence.visibility.TextTokens;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON documents of a visibility row: typed search attribute values (Keyword and Text as
 * strings, Int and Datetime-nanos as integers, Double, Bool, KeywordList as an array of strings),
 * and the words of each Text attribute for word matching.
 */
final class VisibilityJson {
  private VisibilityJson() {}

  /** The search attribute document, keys sorted; null when there are none. */
  static String attributes(Map<String, SaValue> values) {
    if (values.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder("{");
    for (var e : new TreeMap<>(values).entrySet()) {
      if (b.length() > 1) b.append(',');
      string(b, e.getKey());
      b.append(':');
      value(b, e.getValue());
    }
    return b.append('}').toString();
  }

  /** Text attribute name to its words; null when there are no Text attributes. */
  static String textTokens(Map<String, SaValue> values) {
    StringBuilder b = new StringBuilder("{");
    for (var e : new TreeMap<>(values).entrySet()) {
      if (e.getValue().type() != SaType.TEXT) continue;
      if (b.length() > 1) b.append(',');
      string(b, e.getKey());
      b.append(':');
      array(b, TextTokens.tokenize((String) e.getValue().value()));
    }
    return b.length() == 1 ? null : b.append('}').toString();
  }

  private static void value(StringBuilder b, SaValue v) {
    Object o = v.value();
    switch (v.type()) {
      case KEYWORD, TEXT -> string(b, (String) o);
      case INT, DATETIME -> b.append((long) (Long) o);
      case DOUBLE -> {
        double d = (Double) o;
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
          b.append((long) d).append(".0"); // keep it a JSON real
        } else {
          b.append(Double.toString(d));
        }
      }
      case BOOL -> b.append(((Boolean) o) ? "true" : "false");
      case KEYWORD_LIST -> {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) o;
        array(b, list);
      }
    }
  }

  private static void array(StringBuilder b, List<String> items) {
    b.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) b.append(',');
      string(b, items.get(i));
    }
    b.append(']');
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
