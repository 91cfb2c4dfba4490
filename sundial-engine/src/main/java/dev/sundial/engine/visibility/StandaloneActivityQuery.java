package dev.sundial.engine.visibility;

import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.engine.visibility.query.Expr;
import dev.sundial.engine.visibility.query.Literal;
import dev.sundial.engine.visibility.query.Query;
import dev.sundial.engine.visibility.query.QueryParser;
import dev.sundial.engine.visibility.query.QueryPrinter;
import java.util.List;

/**
 * A ListActivityExecutions / CountActivityExecutions query as the visibility query over the runs
 * that carry standalone activities: {@code ActivityId} is the run's key, {@code ActivityType} its
 * type, and only the standalone division is matched. Status, times, task queue and custom search
 * attributes are the run's own, under the same names.
 */
public final class StandaloneActivityQuery {
  private static final String ACTIVITY_ID = "ActivityId";
  private static final String ACTIVITY_TYPE = "ActivityType";

  private StandaloneActivityQuery() {}

  public static String toRunQuery(String query) {
    Query q = QueryParser.parse(query);
    Expr division = new Expr.Comparison("TemporalNamespaceDivision", Expr.CompOp.EQ,
        new Literal.Str(StandaloneActivityKey.DIVISION));
    Expr where = q.where() == null ? division : new Expr.And(division, expr(q.where()));
    List<Query.OrderTerm> orderBy = q.orderBy().stream()
        .map(t -> new Query.OrderTerm(name(t.name()), t.descending()))
        .toList();
    List<String> groupBy = q.groupBy().stream().map(StandaloneActivityQuery::name).toList();
    return QueryPrinter.print(new Query(where, groupBy, orderBy));
  }

  private static Expr expr(Expr e) {
    if (e instanceof Expr.And a) return new Expr.And(expr(a.left()), expr(a.right()));
    if (e instanceof Expr.Or o) return new Expr.Or(expr(o.left()), expr(o.right()));
    if (e instanceof Expr.Not n) return new Expr.Not(expr(n.expr()));
    if (e instanceof Expr.Comparison c) {
      return new Expr.Comparison(name(c.name()), c.op(), value(c.name(), c.value()));
    }
    if (e instanceof Expr.InList l) {
      return new Expr.InList(name(l.name()),
          l.values().stream().map(v -> value(l.name(), v)).toList(), l.negated());
    }
    if (e instanceof Expr.Between b) {
      return new Expr.Between(
          name(b.name()), value(b.name(), b.from()), value(b.name(), b.to()), b.negated());
    }
    if (e instanceof Expr.StartsWith s) {
      return new Expr.StartsWith(name(s.name()), value(s.name(), s.prefix()), s.negated());
    }
    Expr.IsNull n = (Expr.IsNull) e;
    return new Expr.IsNull(name(n.name()), n.negated());
  }

  private static String name(String name) {
    return switch (name) {
      case ACTIVITY_ID -> "WorkflowId";
      case ACTIVITY_TYPE -> "WorkflowType";
      default -> name;
    };
  }

  /** An activity id compared is the run key it is kept under. */
  private static Literal value(String name, Literal v) {
    return name.equals(ACTIVITY_ID) && v instanceof Literal.Str s
        ? new Literal.Str(StandaloneActivityKey.of(s.value()))
        : v;
  }
}
