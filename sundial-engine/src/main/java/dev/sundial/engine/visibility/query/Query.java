package dev.sundial.engine.visibility.query;

import java.util.List;
import java.util.Objects;

/**
 * A parsed list query: an optional filter ({@code where} is null for an empty one), then
 * optional GROUP BY names and ORDER BY terms.
 */
public record Query(Expr where, List<String> groupBy, List<OrderTerm> orderBy) {
  public Query {
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
  }

  /** {@code name [ASC|DESC]}; ascending unless DESC is written. */
  public record OrderTerm(String name, boolean descending) {
    public OrderTerm {
      Objects.requireNonNull(name);
    }
  }
}
