package dev.sundial.engine.visibility;

import dev.sundial.engine.visibility.query.Expr;
import dev.sundial.engine.visibility.query.Literal;
import dev.sundial.engine.visibility.query.Query;
import dev.sundial.engine.visibility.query.QueryException;
import dev.sundial.engine.visibility.query.QueryPrinter;
import dev.sundial.persistence.visibility.Field;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SystemField;
import dev.sundial.persistence.visibility.TextTokens;
import dev.sundial.persistence.visibility.VisibilityFilter;
import dev.sundial.persistence.visibility.VisibilityQuery;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed query into the store's typed filter and sort, checking every name against the
 * namespace's search attributes and every operator and value against the attribute's type, with
 * Temporal's rules and (close to) its messages. Unless the query mentions
 * TemporalNamespaceDivision, only executions without one are matched, as in Temporal.
 */
public final class QueryResolver {

  /** What the query is for: ORDER BY belongs to lists, GROUP BY to counts. */
  public enum Purpose {
    LIST,
    COUNT
  }

  public record Resolved(VisibilityFilter filter, List<VisibilityQuery.Sort> orderBy, boolean groupByStatus) {
    public VisibilityQuery query() {
      return new VisibilityQuery(filter, orderBy);
    }
  }

  /** Words one Text comparison may look for. */
  static final int MAX_TEXT_WORDS = 100;
  private static final Set<Expr.CompOp> EQUALITY = EnumSet.of(Expr.CompOp.EQ, Expr.CompOp.NE);
  private static final Pattern HHMMSS = Pattern.compile("(\\d+):([0-5]\\d):([0-5]\\d)(\\.\\d{1,9})?");
  private static final Pattern GO_DURATION_PART =
      Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d)");

  private final Function<String, SaType> customTypes;
  private boolean divisionMentioned;

  private QueryResolver(Function<String, SaType> customTypes) {
    this.customTypes = customTypes;
  }

  /**
   * @param customTypes the namespace's custom attribute types by name (null when unknown)
   */
  public static Resolved resolve(Query q, Function<String, SaType> customTypes, Purpose purpose) {
    return new QueryResolver(customTypes).resolve(q, purpose);
  }

  private Resolved resolve(Query q, Purpose purpose) {
    VisibilityFilter filter = q.where() == null ? null : filter(q.where());
    boolean groupByStatus = false;
    if (!q.groupBy().isEmpty()) {
      if (purpose != Purpose.COUNT) {
        throw new QueryException(
            "operation is not supported: 'GROUP BY' clause is only supported by"
                + " CountWorkflowExecutions");
      }
      if (q.groupBy().size() > 1) {
        throw new QueryException(
            "operation is not supported: 'GROUP BY' clause supports only a single field");
      }
      Field f = field(q.groupBy().get(0));
      if (!f.isSystem() || f.system() != SystemField.EXECUTION_STATUS) {
        throw new QueryException(
            "operation is not supported: 'GROUP BY' clause is not supported for search attribute "
                + q.groupBy().get(0) + " (only ExecutionStatus)");
      }
      groupByStatus = true;
    }
    List<VisibilityQuery.Sort> sorts = new ArrayList<>();
    if (!q.orderBy().isEmpty()) {
      if (purpose != Purpose.LIST) {
        throw new QueryException(
            "operation is not supported: 'ORDER BY' clause is not supported by"
                + " CountWorkflowExecutions");
      }
      for (Query.OrderTerm t : q.orderBy()) {
        Field f = field(t.name());
        if (f.type() == SaType.TEXT || f.type() == SaType.KEYWORD_LIST) {
          throw new QueryException(
              "operation is not supported: unable to sort by search attribute type "
                  + f.type().temporalName() + " (" + t.name() + ")");
        }
        sorts.add(new VisibilityQuery.Sort(f, t.descending()));
      }
    }
    if (!divisionMentioned) {
      VisibilityFilter noDivision =
          new VisibilityFilter.IsNull(Field.system(SystemField.NAMESPACE_DIVISION), false);
      filter = filter == null ? noDivision : new VisibilityFilter.And(List.of(noDivision, filter));
    }
    return new Resolved(filter, sorts, groupByStatus);
  }

  // ------------------------------------------------------------------ names

  private Field field(String name) {
    SaType custom = customTypes.apply(name);
    if (custom != null && !SearchAttributeRegistry.isReserved(name)) {
      return Field.custom(name, custom);
    }
    SystemField sf = SystemField.ofAttributeName(name);
    if (sf != null) {
      if (sf == SystemField.NAMESPACE_DIVISION) {
        divisionMentioned = true;
      }
      return Field.system(sf);
    }
    SaType predefined = SearchAttributeRegistry.PREDEFINED.get(name);
    if (predefined == null) {
      predefined = SearchAttributeRegistry.PREDEFINED_INTERNAL.get(name);
    }
    if (predefined != null) {
      return Field.custom(name, predefined);
    }
    throw new QueryException(
        "invalid expression: column name '" + name + "' is not a valid search attribute");
  }

  // ------------------------------------------------------------------ expressions

  private VisibilityFilter filter(Expr e) {
    if (e instanceof Expr.And || e instanceof Expr.Or) {
      boolean and = e instanceof Expr.And;
      List<VisibilityFilter> terms = new ArrayList<>();
      flatten(e, and, terms);
      return and ? new VisibilityFilter.And(terms) : new VisibilityFilter.Or(terms);
    }
    if (e instanceof Expr.Not n) {
      return new VisibilityFilter.Not(filter(n.expr()));
    }
    if (e instanceof Expr.Comparison c) {
      return comparison(c);
    }
    if (e instanceof Expr.InList in) {
      Field f = field(in.name());
      if (f.type() == SaType.TEXT) {
        throw unsupported(in.negated() ? "NOT IN" : "IN", f);
      }
      List<Object> values = new ArrayList<>();
      for (Literal l : in.values()) {
        values.add(value(f, l));
      }
      return new VisibilityFilter.In(f, values, in.negated());
    }
    if (e instanceof Expr.Between b) {
      Field f = field(b.name());
      boolean rangeable =
          f.type() == SaType.INT || f.type() == SaType.DOUBLE || f.type() == SaType.DATETIME
              || (f.type() == SaType.KEYWORD && !isStatus(f));
      if (!rangeable) {
        throw new QueryException(
            "invalid expression: cannot do range condition on search attribute '" + f.name()
                + "' of type " + typeName(f));
      }
      return new VisibilityFilter.Between(f, value(f, b.from()), value(f, b.to()), b.negated());
    }
    if (e instanceof Expr.StartsWith s) {
      Field f = field(s.name());
      if (f.type() != SaType.KEYWORD || isStatus(f)) {
        throw unsupported(s.negated() ? "NOT STARTS_WITH" : "STARTS_WITH", f);
      }
      if (!(s.prefix() instanceof Literal.Str str)) {
        throw new QueryException(
            "invalid expression: right-hand side of '"
                + (s.negated() ? "NOT STARTS_WITH" : "STARTS_WITH")
                + "' operator must be a literal string (got: " + show(s.prefix()) + ")");
      }
      return new VisibilityFilter.StartsWith(f, str.value(), s.negated());
    }
    if (e instanceof Expr.IsNull n) {
      return new VisibilityFilter.IsNull(field(n.name()), n.negated());
    }
    throw new QueryException("operation is not supported: expression " + e);
  }

  /** Collects the operands of a chain of the same logical operator into one list. */
  private void flatten(Expr e, boolean and, List<VisibilityFilter> into) {
    if (and && e instanceof Expr.And a) {
      flatten(a.left(), true, into);
      flatten(a.right(), true, into);
    } else if (!and && e instanceof Expr.Or o) {
      flatten(o.left(), false, into);
      flatten(o.right(), false, into);
    } else {
      into.add(filter(e));
    }
  }

  private VisibilityFilter comparison(Expr.Comparison c) {
    Field f = field(c.name());
    boolean equalityOnly =
        isStatus(f) || f.type() == SaType.KEYWORD_LIST || f.type() == SaType.TEXT;
    if (equalityOnly && !EQUALITY.contains(c.op())) {
      throw unsupported(c.op().text(), f);
    }
    Object v = value(f, c.value());
    if (f.type() == SaType.TEXT) {
      int words = TextTokens.tokenize((String) v).size();
      if (words == 0) {
        throw new QueryException(
            "invalid expression: unexpected value for Text type search attribute '" + f.name()
                + "' (no words found in " + show(c.value()) + ")");
      }
      if (words > MAX_TEXT_WORDS) {
        throw new QueryException(
            "invalid expression: the value for Text type search attribute '" + f.name()
                + "' has more than " + MAX_TEXT_WORDS + " words");
      }
    }
    return new VisibilityFilter.Compare(f, op(c.op()), v);
  }

  private static VisibilityFilter.Op op(Expr.CompOp op) {
    return switch (op) {
      case EQ -> VisibilityFilter.Op.EQ;
      case NE -> VisibilityFilter.Op.NE;
      case LT -> VisibilityFilter.Op.LT;
      case LE -> VisibilityFilter.Op.LE;
      case GT -> VisibilityFilter.Op.GT;
      case GE -> VisibilityFilter.Op.GE;
    };
  }

  // ------------------------------------------------------------------ values

  private static Object value(Field f, Literal l) {
    if (isStatus(f)) {
      return status(l);
    }
    if (f.isSystem() && f.system() == SystemField.EXECUTION_DURATION) {
      return duration(l);
    }
    switch (f.type()) {
      case DATETIME -> {
        if (l instanceof Literal.Str s) {
          try {
            return SearchAttributePayloads.datetimeNanos(s.value());
          } catch (IllegalArgumentException e) {
            throw new QueryException(
                "invalid expression: unable to parse datetime '" + s.value() + "' for search"
                    + " attribute " + f.name() + " (expected RFC 3339, e.g."
                    + " 2024-01-02T15:04:05Z)");
          }
        }
        if (l instanceof Literal.Int i) {
          return i.value(); // epoch nanoseconds, as Temporal reads integers for datetimes
        }
      }
      case INT, DOUBLE -> {
        if (l instanceof Literal.Int i) return i.value();
        if (l instanceof Literal.Dbl d) return d.value();
      }
      case BOOL -> {
        if (l instanceof Literal.Bool b) return b.value();
      }
      case KEYWORD, KEYWORD_LIST, TEXT -> {
        if (l instanceof Literal.Str s) return s.value();
      }
    }
    throw new QueryException(
        "invalid expression: invalid value type for search attribute " + f.name() + " of type "
            + typeName(f) + ": " + show(l));
  }

  private static long status(Literal l) {
    if (l instanceof Literal.Str s) {
      String want = s.value().strip();
      for (WorkflowExecutionStatus st : WorkflowExecutionStatus.values()) {
        if (st == WorkflowExecutionStatus.UNRECOGNIZED) continue;
        if (st.name().equalsIgnoreCase(want) || shortName(st).equalsIgnoreCase(want)) {
          return st.getNumber();
        }
      }
      throw new QueryException(
          "invalid expression: invalid ExecutionStatus value '" + s.value() + "' (expected one of"
              + " Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut)");
    }
    if (l instanceof Literal.Int i) {
      WorkflowExecutionStatus st =
          i.value() >= 0 && i.value() <= Integer.MAX_VALUE
              ? WorkflowExecutionStatus.forNumber((int) i.value())
              : null;
      if (st == null) {
        throw new QueryException("invalid expression: invalid ExecutionStatus value " + i.value());
      }
      return st.getNumber();
    }
    throw new QueryException(
        "invalid expression: unexpected value type " + show(l) + " for search attribute"
            + " ExecutionStatus");
  }

  /** "Running", "ContinuedAsNew", ...: the names Temporal shows and accepts. */
  public static String shortName(WorkflowExecutionStatus st) {
    String rest = st.name().substring("WORKFLOW_EXECUTION_STATUS_".length());
    StringBuilder b = new StringBuilder();
    for (String part : rest.split("_")) {
      if (part.isEmpty()) continue;
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return b.toString();
  }

  /** Nanoseconds from an integer, a Go duration ("1h30m", "1.5s", "2d") or "hh:mm:ss". */
  private static long duration(Literal l) {
    if (l instanceof Literal.Int i) {
      return i.value();
    }
    if (l instanceof Literal.Str s) {
      Long n = parseDuration(s.value().strip());
      if (n != null) {
        return n;
      }
      throw new QueryException(
          "invalid expression: invalid duration value for search attribute ExecutionDuration: '"
              + s.value() + "' (expected nanoseconds, a duration like 1h30m or 1.5s, or"
              + " hh:mm:ss)");
    }
    throw new QueryException(
        "invalid expression: unexpected value type " + show(l) + " for search attribute"
            + " ExecutionDuration");
  }

  static Long parseDuration(String text) {
    try {
      if (text.matches("-?\\d+")) {
        return Long.parseLong(text);
      }
      Matcher hms = HHMMSS.matcher(text);
      if (hms.matches()) {
        BigDecimal seconds =
            new BigDecimal(hms.group(1)).multiply(BigDecimal.valueOf(3600))
                .add(new BigDecimal(hms.group(2)).multiply(BigDecimal.valueOf(60)))
                .add(new BigDecimal(hms.group(3) + (hms.group(4) == null ? "" : hms.group(4))));
        return seconds.movePointRight(9).longValueExact();
      }
      String rest = text;
      boolean negative = false;
      if (rest.startsWith("-") || rest.startsWith("+")) {
        negative = rest.startsWith("-");
        rest = rest.substring(1);
      }
      if (rest.isEmpty()) {
        return null;
      }
      Matcher m = GO_DURATION_PART.matcher(rest);
      BigDecimal total = BigDecimal.ZERO;
      int at = 0;
      while (at < rest.length()) {
        if (!m.find(at) || m.start() != at) {
          return null;
        }
        BigDecimal n = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
        long unit =
            switch (m.group(2)) {
              case "ns" -> 1L;
              case "us", "µs", "μs" -> 1_000L;
              case "ms" -> 1_000_000L;
              case "s" -> 1_000_000_000L;
              case "m" -> 60_000_000_000L;
              case "h" -> 3_600_000_000_000L;
              default -> 86_400_000_000_000L; // d
            };
        total = total.add(n.multiply(BigDecimal.valueOf(unit)));
        at = m.end();
      }
      long nanos = total.setScale(0, RoundingMode.DOWN).longValueExact();
      return negative ? -nanos : nanos;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  // ------------------------------------------------------------------ helpers

  private static boolean isStatus(Field f) {
    return f.isSystem() && f.system() == SystemField.EXECUTION_STATUS;
  }

  private static String typeName(Field f) {
    return f.type().temporalName();
  }

  private static QueryException unsupported(String operator, Field f) {
    return new QueryException(
        "operation is not supported: operator '" + operator + "' not supported for "
            + typeName(f) + " type search attribute '" + f.name() + "'");
  }

  private static String show(Literal l) {
    return QueryPrinter.print(l);
  }
}
