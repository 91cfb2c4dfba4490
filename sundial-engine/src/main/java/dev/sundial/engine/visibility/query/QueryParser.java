package dev.sundial.engine.visibility.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser of Temporal's list filter language:
 *
 * <pre>
 * query      := [ or ] [ GROUP BY name {, name} ] [ ORDER BY name [ASC|DESC] {, ...} ]
 * or         := and { OR and }
 * and        := not { AND not }
 * not        := NOT not | '(' or ')' | predicate
 * predicate  := name ( op value
 *                    | [NOT] IN '(' value {, value} ')'
 *                    | [NOT] BETWEEN value AND value
 *                    | [NOT] STARTS_WITH value
 *                    | IS [NOT] NULL )
 * op         := = | != | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;=
 * value      := string | [-|+] number | TRUE | FALSE
 * name       := word | `quoted name`
 * </pre>
 *
 * Keywords are case-insensitive. Every failure is a {@link QueryException} naming the position and
 * the token found.
 */
public final class QueryParser {
  /** Words that cannot be bare attribute names (write them in backticks). */
  static final Set<String> KEYWORDS =
      Set.of(
          "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE", "ORDER", "GROUP",
          "BY", "ASC", "DESC", "STARTS_WITH", "LIKE", "LIMIT", "SELECT", "FROM", "WHERE",
          "HAVING", "OFFSET", "ESCAPE", "REGEXP", "RLIKE");

  /** Deeper nesting is rejected instead of risking the stack. */
  static final int MAX_DEPTH = 100;
  /** More conditions than this are rejected (a database parses deep expressions poorly). */
  static final int MAX_CONDITIONS = 1000;
  /** Values in one IN list, and in the whole query. */
  static final int MAX_IN_VALUES = 1000;
  static final int MAX_VALUES = 5000;
  /** ORDER BY attributes. */
  static final int MAX_ORDER_TERMS = 10;

  private final List<Token> tokens;
  private int pos;
  private int depth;
  private int conditions;
  private int values;

  private QueryParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses a query; a blank one is an empty query (no filter, default order). */
  public static Query parse(String query) {
    if (query == null) {
      return new Query(null, List.of(), List.of());
    }
    return new QueryParser(Lexer.tokenize(query)).query();
  }

  private Query query() {
    Expr where = null;
    if (!peek().isWord("ORDER") && !peek().isWord("GROUP") && peek().kind() != Token.Kind.END) {
      where = or();
    }
    List<String> groupBy = new ArrayList<>();
    List<Query.OrderTerm> orderBy = new ArrayList<>();
    boolean sawGroup = false;
    boolean sawOrder = false;
    while (true) {
      Token t = peek();
      if (t.isWord("GROUP") && !sawGroup && !sawOrder) {
        sawGroup = true;
        next();
        expectWord("BY", "BY after GROUP");
        do {
          groupBy.add(name("an attribute name in GROUP BY"));
        } while (acceptSymbol(","));
      } else if (t.isWord("ORDER") && !sawOrder) {
        sawOrder = true;
        next();
        expectWord("BY", "BY after ORDER");
        do {
          if (orderBy.size() == MAX_ORDER_TERMS) {
            throw new QueryException(
                "ORDER BY supports at most " + MAX_ORDER_TERMS + " attributes (at position "
                    + peek().position() + ")");
          }
          String n = name("an attribute name in ORDER BY");
          boolean desc = false;
          if (peek().isWord("DESC")) {
            next();
            desc = true;
          } else if (peek().isWord("ASC")) {
            next();
          }
          orderBy.add(new Query.OrderTerm(n, desc));
        } while (acceptSymbol(","));
      } else if (t.isWord("LIMIT") || t.isWord("OFFSET")) {
        throw new QueryException(
            "operation is not supported: '" + t.text().toUpperCase(Locale.ROOT)
                + "' clause (at position " + t.position() + "); use the page size instead");
      } else if (t.kind() == Token.Kind.END) {
        return new Query(where, groupBy, orderBy);
      } else {
        throw unexpected(
            t,
            where == null && !sawGroup && !sawOrder
                ? "a filter, ORDER BY or GROUP BY"
                : "AND, OR, GROUP BY, ORDER BY or the end of the query");
      }
    }
  }

  private Expr or() {
    Expr left = and();
    while (acceptWord("OR")) {
      left = new Expr.Or(left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (acceptWord("AND")) {
      left = new Expr.And(left, not());
    }
    return left;
  }

  private Expr not() {
    if (++depth > MAX_DEPTH) {
      throw new QueryException(
          "the query is nested too deeply (at position " + peek().position() + ")");
    }
    try {
      if (acceptWord("NOT")) {
        return new Expr.Not(not());
      }
      if (acceptSymbol("(")) {
        Token open = tokens.get(pos - 1);
        Expr inner = or();
        if (!acceptSymbol(")")) {
          throw unexpected(
              peek(), "')' to close the '(' at position " + open.position());
        }
        return inner;
      }
      return predicate();
    } finally {
      depth--;
    }
  }

  private Expr predicate() {
    Token start = peek();
    if (++conditions > MAX_CONDITIONS) {
      throw new QueryException(
          "the query has more than " + MAX_CONDITIONS + " conditions (at position "
              + start.position() + ")");
    }
    String name = name("an attribute name, NOT or '('");
    Token t = peek();
    if (t.kind() == Token.Kind.SYMBOL) {
      Expr.CompOp op =
          switch (t.text()) {
            case "=" -> Expr.CompOp.EQ;
            case "!=", "<>" -> Expr.CompOp.NE;
            case "<" -> Expr.CompOp.LT;
            case "<=" -> Expr.CompOp.LE;
            case ">" -> Expr.CompOp.GT;
            case ">=" -> Expr.CompOp.GE;
            default -> null;
          };
      if (op != null) {
        next();
        return new Expr.Comparison(name, op, value(name));
      }
    }
    boolean negated = false;
    if (t.isWord("NOT")) {
      next();
      negated = true;
      t = peek();
      if (!t.isWord("IN") && !t.isWord("BETWEEN") && !t.isWord("STARTS_WITH")
          && !t.isWord("LIKE")) {
        throw unexpected(t, "IN, BETWEEN or STARTS_WITH after " + name + " NOT");
      }
    }
    if (acceptWord("IN")) {
      if (!acceptSymbol("(")) {
        throw unexpected(peek(), "'(' after IN");
      }
      List<Literal> values = new ArrayList<>();
      do {
        if (values.size() == MAX_IN_VALUES) {
          throw new QueryException(
              "the IN list of " + name + " has more than " + MAX_IN_VALUES + " values (at"
                  + " position " + peek().position() + ")");
        }
        values.add(value(name));
      } while (acceptSymbol(","));
      if (!acceptSymbol(")")) {
        throw unexpected(peek(), "',' or ')' in the IN list of " + name);
      }
      return new Expr.InList(name, values, negated);
    }
    if (acceptWord("BETWEEN")) {
      Literal from = value(name);
      expectWord("AND", "AND between the bounds of BETWEEN");
      Literal to = value(name);
      return new Expr.Between(name, from, to, negated);
    }
    if (acceptWord("STARTS_WITH")) {
      return new Expr.StartsWith(name, value(name), negated);
    }
    if (t.isWord("LIKE")) {
      throw new QueryException(
          "operation is not supported: operator '" + (negated ? "NOT LIKE" : "LIKE")
              + "' at position " + t.position() + " (use STARTS_WITH for a prefix match)");
    }
    if (!negated && acceptWord("IS")) {
      boolean not = acceptWord("NOT");
      if (!acceptWord("NULL")) {
        throw new QueryException(
            "invalid expression: 'IS' operator can only be used as 'IS NULL' or 'IS NOT NULL'"
                + " (found " + peek().describe() + " at position " + peek().position() + ")");
      }
      return new Expr.IsNull(name, not);
    }
    if (t.kind() == Token.Kind.END || t.isSymbol(")") || t.isWord("AND") || t.isWord("OR")) {
      throw new QueryException(
          "invalid expression: incomplete expression '" + name + "' at position "
              + start.position() + " (expected an operator after it)");
    }
    throw unexpected(t, "an operator (=, !=, <, <=, >, >=, IN, BETWEEN, STARTS_WITH, IS) after "
        + name);
  }

  private Literal value(String name) {
    Token t = peek();
    if (++values > MAX_VALUES) {
      throw new QueryException(
          "the query has more than " + MAX_VALUES + " values (at position " + t.position() + ")");
    }
    switch (t.kind()) {
      case STRING -> {
        next();
        return new Literal.Str(t.text());
      }
      case NUMBER -> {
        next();
        return number(t, "");
      }
      case SYMBOL -> {
        if (t.text().equals("-") || t.text().equals("+")) {
          next();
          Token n = peek();
          if (n.kind() != Token.Kind.NUMBER) {
            throw unexpected(n, "a number after '" + t.text() + "'");
          }
          next();
          return number(n, t.text().equals("-") ? "-" : "");
        }
      }
      case WORD -> {
        if (t.isWord("TRUE") || t.isWord("FALSE")) {
          next();
          return new Literal.Bool(t.isWord("TRUE"));
        }
        if (t.isWord("NULL")) {
          throw new QueryException(
              "invalid expression: NULL is not a value at position " + t.position()
                  + "; use " + name + " IS NULL");
        }
        if (!KEYWORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
          throw new QueryException(
              "operation is not supported: column name on the right side of comparison"
                  + " expression (did you forget to quote '" + t.text() + "' at position "
                  + t.position() + "?)");
        }
      }
      case QUOTED_NAME -> throw new QueryException(
          "operation is not supported: column name on the right side of comparison expression"
              + " (did you mean '" + t.text() + "' in quotes at position " + t.position() + "?)");
      default -> {}
    }
    throw unexpected(t, "a value (a quoted string, a number, TRUE or FALSE) for " + name);
  }

  private static Literal number(Token t, String sign) {
    String text = sign + t.text();
    boolean integral = t.text().chars().allMatch(ch -> ch >= '0' && ch <= '9');
    if (integral) {
      try {
        return new Literal.Int(Long.parseLong(text));
      } catch (NumberFormatException e) {
        // too large for a 64-bit integer: read it as a floating point number, as Temporal does
      }
    }
    double d;
    try {
      d = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new QueryException("malformed number '" + text + "' at position " + t.position());
    }
    if (!Double.isFinite(d)) {
      throw new QueryException("number '" + text + "' at position " + t.position()
          + " is out of range");
    }
    return new Literal.Dbl(d);
  }

  private String name(String expected) {
    Token t = peek();
    if (t.kind() == Token.Kind.QUOTED_NAME) {
      next();
      return t.text();
    }
    if (t.kind() == Token.Kind.WORD && !KEYWORDS.contains(t.text().toUpperCase(Locale.ROOT))) {
      next();
      return t.text();
    }
    throw unexpected(t, expected);
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.kind() != Token.Kind.END) {
      pos++;
    }
    return t;
  }

  private boolean acceptWord(String keyword) {
    if (peek().isWord(keyword)) {
      next();
      return true;
    }
    return false;
  }

  private boolean acceptSymbol(String symbol) {
    if (peek().isSymbol(symbol)) {
      next();
      return true;
    }
    return false;
  }

  private void expectWord(String keyword, String expected) {
    if (!acceptWord(keyword)) {
      throw unexpected(peek(), expected);
    }
  }

  private static QueryException unexpected(Token t, String expected) {
    String where =
        t.kind() == Token.Kind.END
            ? "unexpected end of query"
            : "unexpected " + t.describe() + " at position " + t.position();
    return new QueryException("malformed SQL query: " + where + ", expected " + expected);
  }
}
