package dev.sundial.engine.visibility.query;

import java.util.List;
import java.util.Objects;

/**
 * The syntax tree of a list filter, as written: attribute names are not yet resolved and values
 * not yet typed (see the resolver in the parent package). Logical operators are binary and
 * left-associative as parsed; parentheses leave no node of their own.
 */
public sealed interface Expr {

  /** {@code = != < <= > >=} ({@code <>} is read as {@code !=}). */
  enum CompOp {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String text;

    CompOp(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  record And(Expr left, Expr right) implements Expr {
    public And {
      Objects.requireNonNull(left);
      Objects.requireNonNull(right);
    }
  }

  record Or(Expr left, Expr right) implements Expr {
    public Or {
      Objects.requireNonNull(left);
      Objects.requireNonNull(right);
    }
  }

  record Not(Expr expr) implements Expr {
    public Not {
      Objects.requireNonNull(expr);
    }
  }

  /** {@code name op value}. */
  record Comparison(String name, CompOp op, Literal value) implements Expr {
    public Comparison {
      Objects.requireNonNull(name);
      Objects.requireNonNull(op);
      Objects.requireNonNull(value);
    }
  }

  /** {@code name [NOT] IN (v1, v2, ...)}. */
  record InList(String name, List<Literal> values, boolean negated) implements Expr {
    public InList {
      Objects.requireNonNull(name);
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("IN needs values");
      }
    }
  }

  /** {@code name [NOT] BETWEEN from AND to}. */
  record Between(String name, Literal from, Literal to, boolean negated) implements Expr {
    public Between {
      Objects.requireNonNull(name);
      Objects.requireNonNull(from);
      Objects.requireNonNull(to);
    }
  }

  /** {@code name [NOT] STARTS_WITH value}. */
  record StartsWith(String name, Literal prefix, boolean negated) implements Expr {
    public StartsWith {
      Objects.requireNonNull(name);
      Objects.requireNonNull(prefix);
    }
  }

  /** {@code name IS [NOT] NULL}. */
  record IsNull(String name, boolean negated) implements Expr {
    public IsNull {
      Objects.requireNonNull(name);
    }
  }
}
