package dev.sundial.engine.visibility.query;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Prints a query in the filter language so that {@code QueryParser.parse(print(q))} equals
 * {@code q}: parentheses exactly where precedence and left-associativity need them, names in
 * backticks when they are not plain words, strings quoted and escaped.
 */
public final class QueryPrinter {
  private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int OR = 1;
  private static final int AND = 2;
  private static final int NOT = 3;
  private static final int PREDICATE = 4;

  private QueryPrinter() {}

  public static String print(Query q) {
    StringBuilder b = new StringBuilder();
    if (q.where() != null) {
      expr(b, q.where(), OR);
    }
    if (!q.groupBy().isEmpty()) {
      b.append(b.length() > 0 ? " GROUP BY " : "GROUP BY ");
      for (int i = 0; i < q.groupBy().size(); i++) {
        if (i > 0) b.append(", ");
        name(b, q.groupBy().get(i));
      }
    }
    if (!q.orderBy().isEmpty()) {
      b.append(b.length() > 0 ? " ORDER BY " : "ORDER BY ");
      for (int i = 0; i < q.orderBy().size(); i++) {
        if (i > 0) b.append(", ");
        Query.OrderTerm t = q.orderBy().get(i);
        name(b, t.name());
        b.append(t.descending() ? " DESC" : " ASC");
      }
    }
    return b.toString();
  }

  /** A value as it would be written in a query. */
  public static String print(Literal l) {
    StringBuilder b = new StringBuilder();
    literal(b, l);
    return b.toString();
  }

  public static String print(Expr e) {
    StringBuilder b = new StringBuilder();
    expr(b, e, OR);
    return b.toString();
  }

  private static int level(Expr e) {
    if (e instanceof Expr.Or) return OR;
    if (e instanceof Expr.And) return AND;
    if (e instanceof Expr.Not) return NOT;
    return PREDICATE;
  }

  /** Prints e; in parentheses when its level is below what the context requires. */
  private static void expr(StringBuilder b, Expr e, int min) {
    boolean parens = level(e) < min;
    if (parens) b.append('(');
    if (e instanceof Expr.Or o) {
      expr(b, o.left(), OR);
      b.append(" OR ");
      expr(b, o.right(), AND);
    } else if (e instanceof Expr.And a) {
      expr(b, a.left(), AND);
      b.append(" AND ");
      expr(b, a.right(), NOT);
    } else if (e instanceof Expr.Not n) {
      b.append("NOT ");
      expr(b, n.expr(), NOT);
    } else if (e instanceof Expr.Comparison c) {
      name(b, c.name());
      b.append(' ').append(c.op().text()).append(' ');
      literal(b, c.value());
    } else if (e instanceof Expr.InList in) {
      name(b, in.name());
      b.append(in.negated() ? " NOT IN (" : " IN (");
      for (int i = 0; i < in.values().size(); i++) {
        if (i > 0) b.append(", ");
        literal(b, in.values().get(i));
      }
      b.append(')');
    } else if (e instanceof Expr.Between bt) {
      name(b, bt.name());
      b.append(bt.negated() ? " NOT BETWEEN " : " BETWEEN ");
      literal(b, bt.from());
      b.append(" AND ");
      literal(b, bt.to());
    } else if (e instanceof Expr.StartsWith s) {
      name(b, s.name());
      b.append(s.negated() ? " NOT STARTS_WITH " : " STARTS_WITH ");
      literal(b, s.prefix());
    } else if (e instanceof Expr.IsNull n) {
      name(b, n.name());
      b.append(n.negated() ? " IS NOT NULL" : " IS NULL");
    }
    if (parens) b.append(')');
  }

  static void name(StringBuilder b, String name) {
    if (BARE.matcher(name).matches()
        && !QueryParser.KEYWORDS.contains(name.toUpperCase(Locale.ROOT))) {
      b.append(name);
    } else {
      b.append('`').append(name.replace("`", "``")).append('`');
    }
  }

  static void literal(StringBuilder b, Literal l) {
    if (l instanceof Literal.Str s) {
      b.append('\'');
      for (int i = 0; i < s.value().length(); i++) {
        char c = s.value().charAt(i);
        switch (c) {
          case '\'' -> b.append("\\'");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          case '\0' -> b.append("\\0");
          case '\b' -> b.append("\\b");
          case '\u001a' -> b.append("\\Z");
          default -> b.append(c);
        }
      }
      b.append('\'');
    } else if (l instanceof Literal.Int i) {
      b.append(i.value());
    } else if (l instanceof Literal.Dbl d) {
      b.append(Double.toString(d.value()));
    } else if (l instanceof Literal.Bool bo) {
      b.append(bo.value() ? "TRUE" : "FALSE");
    }
  }
}
