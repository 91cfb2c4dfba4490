package dev.sundial.persistence.visibility;

import java.util.List;

/**
 * A list query: an optional filter and the sort. An empty {@code orderBy} means Temporal's default
 * order: open runs first, then by close time descending, then start time descending, then run id.
 * With an explicit order, rows without a value sort last and ties are broken by run id
 * descending.
 */
public record VisibilityQuery(VisibilityFilter filter, List<Sort> orderBy) {
  public VisibilityQuery {
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
  }

  public record Sort(Field field, boolean descending) {}
}
