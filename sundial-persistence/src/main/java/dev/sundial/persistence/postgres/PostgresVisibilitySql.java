package dev.sundial.persistence.postgres;

import dev.sundial.persistence.jdbc.VisibilitySqlDialect;
import dev.sundial.persistence.visibility.SaType;

/**
 * Visibility SQL over JSONB: {@code doc ->> name} read as the attribute's SQL type, array
 * membership through jsonb_array_elements_text, IS NOT DISTINCT FROM, and LIKE for prefixes.
 * Unlike SQLite's json_extract, a cast fails the query when a stored value does not have the
 * attribute's registered type; the engine writes values typed by the registry, so it does not.
 */
final class PostgresVisibilitySql implements VisibilitySqlDialect {
  static final PostgresVisibilitySql INSTANCE = new PostgresVisibilitySql();

  private PostgresVisibilitySql() {}

  @Override
  public String jsonPath(String name) {
    return name; // a top-level key of the document
  }

  @Override
  public String jsonValue(String documentColumn, SaType type) {
    return switch (type) {
      case KEYWORD, TEXT -> "(" + documentColumn + " ->> ?)";
      case INT, DATETIME -> "((" + documentColumn + " ->> ?)::bigint)";
      case DOUBLE -> "((" + documentColumn + " ->> ?)::double precision)";
      // Booleans compare as 1/0 (VisibilitySql binds them that way, as SQLite reads JSON true).
      case BOOL -> "(CASE (" + documentColumn + " ->> ?) WHEN 'true' THEN 1 WHEN 'false' THEN 0"
          + " END)";
      case KEYWORD_LIST -> "(" + documentColumn + " -> ?)";
    };
  }

  @Override
  public String jsonArrayContainsAny(String documentColumn, String predicate) {
    // The path is bound once, in the inner SELECT; a missing or non-array value has no elements.
    return "EXISTS (SELECT 1 FROM (SELECT " + documentColumn + " -> ? AS a) p,"
        + " jsonb_array_elements_text(CASE WHEN jsonb_typeof(p.a) = 'array' THEN p.a END)"
        + " AS e(value) WHERE e.value" + predicate + ")";
  }

  @Override
  public String jsonDocument() {
    return "CAST(? AS jsonb)";
  }

  @Override
  public String nullSafeEquals(String expression) {
    return expression + " IS NOT DISTINCT FROM ?";
  }

  @Override
  public String startsWith(String expression) {
    return "(" + expression + " LIKE ? ESCAPE '\\')";
  }

  @Override
  public String prefixPattern(String prefix) {
    StringBuilder b = new StringBuilder(prefix.length() + 4);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '%' || c == '_' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('%').toString();
  }
}
