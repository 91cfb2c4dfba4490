package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.visibility.Field;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.TextTokens;
import dev.sundial.persistence.visibility.VisibilityFilter;
import dev.sundial.persistence.visibility.VisibilityQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders visibility filters and sorts to SQL over {@code executions_visibility v}. Every value is
 * a bound parameter (appended to {@link #params} in the order its {@code ?} appears); only column
 * names and operators chosen here are ever part of the SQL text.
 */
final class VisibilitySql {
  static final String TABLE = "executions_visibility";
  static final String DOCUMENT = "v.search_attributes";
  static final String TOKENS = "v.text_tokens";
  /** Sorts open runs (no close time) before every closed one, as Temporal's default order does. */
  static final long OPEN_CLOSE_TIME = Long.MAX_VALUE;

  /** One sort key: an expression and its direction. */
  record Key(String sql, List<Object> params, boolean descending) {}

  final StringBuilder sql = new StringBuilder();
  final List<Object> params = new ArrayList<>();
  private final VisibilitySqlDialect dialect;

  VisibilitySql(VisibilitySqlDialect dialect) {
    this.dialect = dialect;
  }

  VisibilitySql append(String text) {
    sql.append(text);
    return this;
  }

  VisibilitySql param(Object value) {
    sql.append('?');
    params.add(bindable(value));
    return this;
  }

  /** Appends {@code namespace_id = ? AND (filter)}. */
  void where(String namespaceId, VisibilityFilter filter) {
    sql.append(" WHERE v.namespace_id = ");
    param(namespaceId);
    if (filter != null) {
      sql.append(" AND ");
      filter(filter);
    }
  }

  void filter(VisibilityFilter f) {
    if (f instanceof VisibilityFilter.And a) {
      junction(a.terms(), " AND ", "1 = 1");
    } else if (f instanceof VisibilityFilter.Or o) {
      junction(o.terms(), " OR ", "1 = 0");
    } else if (f instanceof VisibilityFilter.Not n) {
      sql.append("(NOT ");
      filter(n.term());
      sql.append(')');
    } else if (f instanceof VisibilityFilter.Compare c) {
      compare(c);
    } else if (f instanceof VisibilityFilter.In in) {
      in(in);
    } else if (f instanceof VisibilityFilter.Between b) {
      sql.append('(');
      field(b.field());
      sql.append(b.negated() ? " NOT BETWEEN " : " BETWEEN ");
      param(b.from()).append(" AND ").param(b.to()).append(")");
    } else if (f instanceof VisibilityFilter.StartsWith s) {
      VisibilitySql inner = new VisibilitySql(dialect);
      inner.field(s.field());
      sql.append(s.negated() ? "(NOT " : "(").append(dialect.startsWith(inner.sql.toString()));
      params.addAll(inner.params);
      params.add(dialect.prefixPattern(s.prefix()));
      sql.append(')');
    } else if (f instanceof VisibilityFilter.IsNull n) {
      sql.append('(');
      field(n.field());
      sql.append(n.negated() ? " IS NOT NULL)" : " IS NULL)");
    } else {
      throw new IllegalArgumentException("unknown filter " + f);
    }
  }

  /**
   * A list of terms joined by AND/OR, nested as a balanced tree of parentheses so a long list
   * stays shallow for the database's expression depth limit.
   */
  private void junction(List<VisibilityFilter> terms, String op, String empty) {
    if (terms.isEmpty()) {
      sql.append(empty);
      return;
    }
    if (terms.size() == 1) {
      filter(terms.get(0));
      return;
    }
    sql.append('(');
    if (terms.size() <= 8) {
      for (int i = 0; i < terms.size(); i++) {
        if (i > 0) sql.append(op);
        filter(terms.get(i));
      }
    } else {
      int half = terms.size() / 2;
      junction(terms.subList(0, half), op, empty);
      sql.append(op);
      junction(terms.subList(half, terms.size()), op, empty);
    }
    sql.append(')');
  }

  private void compare(VisibilityFilter.Compare c) {
    Field f = c.field();
    boolean multi = f.type() == SaType.KEYWORD_LIST || f.type() == SaType.TEXT;
    if (multi && (c.op() == VisibilityFilter.Op.EQ || c.op() == VisibilityFilter.Op.NE)) {
      containsAny(f, List.of(c.value()), c.op() == VisibilityFilter.Op.NE);
      return;
    }
    sql.append('(');
    field(f);
    sql.append(' ').append(c.op().sql()).append(' ');
    param(c.value()).append(")");
  }

  private void in(VisibilityFilter.In in) {
    Field f = in.field();
    if (f.type() == SaType.KEYWORD_LIST || f.type() == SaType.TEXT) {
      containsAny(f, in.values(), in.negated());
      return;
    }
    sql.append('(');
    field(f);
    sql.append(in.negated() ? " NOT IN (" : " IN (");
    for (int i = 0; i < in.values().size(); i++) {
      if (i > 0) sql.append(", ");
      param(in.values().get(i));
    }
    sql.append("))");
  }

  /** KeywordList membership, or Text word match (values are split into words first). */
  private void containsAny(Field f, List<Object> values, boolean negated) {
    List<Object> wanted = new ArrayList<>();
    String document = DOCUMENT;
    if (f.type() == SaType.TEXT) {
      document = TOKENS;
      for (Object v : values) {
        for (String w : TextTokens.tokenize(String.valueOf(v))) {
          if (!wanted.contains(w)) wanted.add(w);
        }
      }
      if (wanted.isEmpty()) {
        sql.append(negated ? "(1 = 1)" : "(1 = 0)");
        return;
      }
    } else {
      wanted.addAll(values);
    }
    StringBuilder predicate = new StringBuilder(wanted.size() == 1 ? " = ?" : " IN (");
    if (wanted.size() > 1) {
      for (int i = 0; i < wanted.size(); i++) predicate.append(i > 0 ? ", ?" : "?");
      predicate.append(')');
    }
    sql.append(negated ? "(NOT " : "(");
    sql.append(dialect.jsonArrayContainsAny(document, predicate.toString()));
    params.add(dialect.jsonPath(f.name()));
    for (Object w : wanted) params.add(bindable(w));
    sql.append(')');
  }

  /** Appends the expression of a field (binding the JSON path of a custom attribute). */
  void field(Field f) {
    if (f.isSystem()) {
      sql.append("v.").append(f.system().column());
      return;
    }
    sql.append(dialect.jsonValue(DOCUMENT, f.type()));
    params.add(dialect.jsonPath(f.name()));
  }

  /** The sort keys of a query; the last key is always unique (run id). */
  List<Key> keys(VisibilityQuery q) {
    List<Key> keys = new ArrayList<>();
    if (q.orderBy().isEmpty()) {
      keys.add(new Key("COALESCE(v.close_time, " + OPEN_CLOSE_TIME + ")", List.of(), true));
      keys.add(new Key("v.start_time", List.of(), true));
      keys.add(new Key("v.run_id", List.of(), false));
      return keys;
    }
    for (VisibilityQuery.Sort s : q.orderBy()) {
      VisibilitySql e = new VisibilitySql(dialect);
      e.field(s.field());
      String expr = e.sql.toString();
      boolean nullable = !s.field().isSystem() || s.field().system().nullable();
      if (nullable) {
        // Rows without a value sort last in either direction.
        keys.add(new Key("(CASE WHEN " + expr + " IS NULL THEN 1 ELSE 0 END)", e.params, false));
      }
      keys.add(new Key(expr, e.params, s.descending()));
    }
    keys.add(new Key("v.run_id", List.of(), true));
    return keys;
  }

  /** Appends the select list's key columns: {@code , key1, key2 ...}. */
  void keyColumns(List<Key> keys) {
    for (Key k : keys) {
      sql.append(", ").append(k.sql());
      params.addAll(k.params());
    }
  }

  /** Appends {@code AND (rows strictly after the given key values)}. */
  void after(List<Key> keys, List<Object> last) {
    sql.append(" AND (");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) sql.append(" OR ");
      sql.append('(');
      for (int j = 0; j < i; j++) {
        Key k = keys.get(j);
        sql.append(dialect.nullSafeEquals(k.sql())).append(" AND ");
        params.addAll(k.params());
        params.add(bindable(last.get(j)));
      }
      Key k = keys.get(i);
      sql.append(k.sql()).append(k.descending() ? " < ?" : " > ?");
      params.addAll(k.params());
      params.add(bindable(last.get(i)));
      sql.append(')');
    }
    sql.append(')');
  }

  void orderBy(List<Key> keys) {
    sql.append(" ORDER BY ");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) sql.append(", ");
      Key k = keys.get(i);
      sql.append(k.sql()).append(k.descending() ? " DESC" : " ASC");
      params.addAll(k.params());
    }
  }

  /** Booleans are stored as JSON true/false, which SQL JSON functions read as 1/0. */
  private static Object bindable(Object value) {
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    return value;
  }
}
