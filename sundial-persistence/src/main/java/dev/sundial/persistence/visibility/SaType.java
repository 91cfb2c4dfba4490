package dev.sundial.persistence.visibility;

import java.util.Locale;

/**
 * The value types of search attributes, named as Temporal names them (IndexedValueType without
 * its prefix: the names the SDKs put in a payload's "type" metadata).
 */
public enum SaType {
  KEYWORD("Keyword"),
  TEXT("Text"),
  INT("Int"),
  DOUBLE("Double"),
  BOOL("Bool"),
  DATETIME("Datetime"),
  KEYWORD_LIST("KeywordList");

  private final String temporalName;

  SaType(String temporalName) {
    this.temporalName = temporalName;
  }

  /** "Keyword", "KeywordList", ... */
  public String temporalName() {
    return temporalName;
  }

  /** The type named "Keyword", "KEYWORD_LIST", "INDEXED_VALUE_TYPE_INT", ... (any case), or null. */
  public static SaType ofTemporalName(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toUpperCase(Locale.ROOT);
    if (n.startsWith("INDEXED_VALUE_TYPE_")) {
      n = n.substring("INDEXED_VALUE_TYPE_".length());
    }
    for (SaType t : values()) {
      if (t.temporalName.equalsIgnoreCase(n) || t.name().equals(n)) {
        return t;
      }
    }
    return null;
  }
}
