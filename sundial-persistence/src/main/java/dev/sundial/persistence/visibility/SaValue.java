package dev.sundial.persistence.visibility;

import java.util.List;
import java.util.Objects;

/**
 * One search attribute value as the store indexes it. {@code value} is a String (Keyword, Text),
 * a Long (Int; Datetime as epoch nanoseconds), a Double, a Boolean, or a List of Strings
 * (KeywordList).
 */
public record SaValue(SaType type, Object value) {
  public SaValue {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
    boolean ok =
        switch (type) {
          case KEYWORD, TEXT -> value instanceof String;
          case INT, DATETIME -> value instanceof Long;
          case DOUBLE -> value instanceof Double d && Double.isFinite(d);
          case BOOL -> value instanceof Boolean;
          case KEYWORD_LIST -> value instanceof List<?> l && l.stream().allMatch(String.class::isInstance);
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "value " + value + " (" + value.getClass().getSimpleName() + ") does not fit type " + type);
    }
    if (value instanceof List<?> l) {
      value = List.copyOf(l);
    }
  }

  public static SaValue keyword(String s) {
    return new SaValue(SaType.KEYWORD, s);
  }

  public static SaValue text(String s) {
    return new SaValue(SaType.TEXT, s);
  }

  public static SaValue integer(long v) {
    return new SaValue(SaType.INT, v);
  }

  public static SaValue dbl(double v) {
    return new SaValue(SaType.DOUBLE, v);
  }

  public static SaValue bool(boolean v) {
    return new SaValue(SaType.BOOL, v);
  }

  public static SaValue datetimeNanos(long epochNanos) {
    return new SaValue(SaType.DATETIME, epochNanos);
  }

  public static SaValue keywordList(List<String> v) {
    return new SaValue(SaType.KEYWORD_LIST, v);
  }
}
