package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.visibility.SaType;

/**
 * The database-specific parts of visibility SQL: reading a value out of the search attribute JSON
 * document, testing JSON array membership, null-safe equality and prefix matching. Each method
 * returns SQL with {@code ?} placeholders; the caller binds the parameters named in its javadoc,
 * in order. The default implementation is SQLite's (JSON1 functions).
 */
public interface VisibilitySqlDialect {

  VisibilitySqlDialect SQLITE = new VisibilitySqlDialect() {};

  /** The bound parameter that addresses attribute {@code name} in a JSON document. */
  default String jsonPath(String name) {
    return "$.\"" + name + "\"";
  }

  /** The attribute's scalar value in {@code documentColumn}; binds the path. */
  default String jsonValue(String documentColumn, SaType type) {
    return "json_extract(" + documentColumn + ", ?)";
  }

  /**
   * True when some element of the JSON array at the path satisfies {@code "value" + predicate}
   * (e.g. {@code " = ?"}, {@code " IN (?, ?)"}); false (never null) when there is no such array.
   * Binds the path, then the predicate's parameters.
   */
  default String jsonArrayContainsAny(String documentColumn, String predicate) {
    return "EXISTS (SELECT 1 FROM json_each(" + documentColumn + ", ?) WHERE value" + predicate + ")";
  }

  /** The placeholder binding a JSON document (as a string) into a JSON column. */
  default String jsonDocument() {
    return "?";
  }

  /** Null-safe equality of an expression and one bound parameter. */
  default String nullSafeEquals(String expression) {
    return expression + " IS ?";
  }

  /** A case-sensitive prefix match of an expression against one bound parameter. */
  default String startsWith(String expression) {
    return expression + " GLOB ?";
  }

  /** The parameter {@link #startsWith} binds for a prefix. */
  default String prefixPattern(String prefix) {
    StringBuilder b = new StringBuilder(prefix.length() + 4);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        b.append('[').append(c).append(']');
      } else {
        b.append(c);
      }
    }
    return b.append('*').toString();
  }
}
