package dev.sundial.engine.visibility.query;

import java.util.Objects;

/** A value written in a query: a string, an integer, a floating point number or a boolean. */
public sealed interface Literal {
  record Str(String value) implements Literal {
    public Str {
      Objects.requireNonNull(value);
    }
  }

  record Int(long value) implements Literal {}

  /** Always finite. */
  record Dbl(double value) implements Literal {
    public Dbl {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("not a finite number: " + value);
      }
    }
  }

  record Bool(boolean value) implements Literal {}
}
