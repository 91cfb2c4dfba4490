package dev.sundial.persistence.visibility;

import java.util.List;
import java.util.Objects;

/**
 * A resolved, type-checked visibility filter: what a store renders to its query language with
 * bound parameters. Values are Long (Int, Datetime as epoch nanos, ExecutionDuration nanos,
 * ExecutionStatus number), Double, Boolean or String, already checked against the field's type by
 * the caller.
 *
 * <p>Semantics follow Temporal's SQL visibility: a comparison with a missing value is unknown (so
 * neither {@code =} nor {@code !=} matches a row without the attribute), except for KeywordList and
 * Text attributes, where {@code =}/{@code IN} mean "contains one of" and {@code !=}/{@code NOT IN}
 * mean "contains none of" (a row without the attribute contains none).
 */
public sealed interface VisibilityFilter {

  enum Op {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String sql;

    Op(String sql) {
      this.sql = sql;
    }

    public String sql() {
      return sql;
    }
  }

  record And(List<VisibilityFilter> terms) implements VisibilityFilter {
    public And {
      terms = List.copyOf(terms);
    }
  }

  record Or(List<VisibilityFilter> terms) implements VisibilityFilter {
    public Or {
      terms = List.copyOf(terms);
    }
  }

  record Not(VisibilityFilter term) implements VisibilityFilter {
    public Not {
      Objects.requireNonNull(term);
    }
  }

  record Compare(Field field, Op op, Object value) implements VisibilityFilter {
    public Compare {
      Objects.requireNonNull(field);
      Objects.requireNonNull(op);
      Objects.requireNonNull(value);
    }
  }

  record In(Field field, List<Object> values, boolean negated) implements VisibilityFilter {
    public In {
      Objects.requireNonNull(field);
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("IN needs at least one value");
      }
    }
  }

  record Between(Field field, Object from, Object to, boolean negated) implements VisibilityFilter {
    public Between {
      Objects.requireNonNull(field);
      Objects.requireNonNull(from);
      Objects.requireNonNull(to);
    }
  }

  /** Keyword prefix match, case-sensitive. */
  record StartsWith(Field field, String prefix, boolean negated) implements VisibilityFilter {
    public StartsWith {
      Objects.requireNonNull(field);
      Objects.requireNonNull(prefix);
    }
  }

  record IsNull(Field field, boolean negated) implements VisibilityFilter {
    public IsNull {
      Objects.requireNonNull(field);
    }
  }
}
