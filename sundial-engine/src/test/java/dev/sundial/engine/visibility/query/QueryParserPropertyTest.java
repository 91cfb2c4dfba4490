package dev.sundial.engine.visibility.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.visibility.QueryResolver;
import dev.sundial.persistence.visibility.SaType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of the list filter parser over many random inputs (fixed seeds, so failures
 * reproduce): every random syntax tree prints to a query that parses back to the same tree; and
 * random or mutated text never makes the parser (or the resolver behind it) throw anything but a
 * clean INVALID_ARGUMENT {@link QueryException}.
 */
class QueryParserPropertyTest {
  private static final String[] PLAIN_NAMES = {
    "WorkflowId", "WorkflowType", "ExecutionStatus", "StartTime", "CloseTime", "ExecutionDuration",
    "HistoryLength", "TaskQueue", "CustomKeyword", "CustomInt", "CustomDouble", "CustomBool",
    "CustomDatetime", "CustomKeywordList", "CustomText", "a", "_x9", "Unknown"
  };
  private static final String[] ODD_NAMES = {
    "and", "Order", "NULL", "with space", "back`tick", "ünïcode", "1leading", "dash-ed", "dot.ted",
    "é", "$dollar", "emoji😀"
  };
  private static final String[] STRINGS = {
    "", "x", "it's", "quote\"d", "back\\slash", "tab\there", "new\nline", "percent%_", "ünï😀",
    "Running", "2024-01-02T03:04:05Z", "1h30m", "  spaced  ", "'", "\\", "\0nul", "\u001actrl-z"
  };

  @Test
  void randomTreesRoundTripThroughPrintAndParse() {
    Random r = new Random(20241102);
    for (int i = 0; i < 20_000; i++) {
      Query q = query(r);
      String text = QueryPrinter.print(q);
      Query parsed;
      try {
        parsed = QueryParser.parse(text);
      } catch (RuntimeException e) {
        throw new AssertionError("could not parse printed query: " + text + "\n  tree: " + q, e);
      }
      if (!parsed.equals(q)) {
        fail("round trip changed the tree\n  text:   " + text + "\n  before: " + q + "\n  after:  " + parsed);
      }
      // Printing is a fixed point too.
      assertThat(QueryPrinter.print(parsed)).isEqualTo(text);
    }
  }

  @Test
  void mutatedQueriesOnlyEverFailWithQueryExceptions() {
    Random r = new Random(7);
    Map<String, SaType> custom =
        Map.of(
            "CustomKeyword", SaType.KEYWORD, "CustomInt", SaType.INT, "CustomDouble", SaType.DOUBLE,
            "CustomBool", SaType.BOOL, "CustomDatetime", SaType.DATETIME,
            "CustomKeywordList", SaType.KEYWORD_LIST, "CustomText", SaType.TEXT);
    int parsedOk = 0;
    int rejected = 0;
    for (int i = 0; i < 20_000; i++) {
      String base = QueryPrinter.print(query(r));
      String text = mutate(r, base);
      for (QueryResolver.Purpose purpose : QueryResolver.Purpose.values()) {
        try {
          Query q = QueryParser.parse(text);
          // Whatever parses round-trips.
          assertThat(QueryParser.parse(QueryPrinter.print(q))).as(text).isEqualTo(q);
          QueryResolver.resolve(q, custom::get, purpose);
          parsedOk++;
        } catch (QueryException e) {
          assertThat(e.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("invalid query: ");
          rejected++;
        } catch (Throwable t) {
          throw new AssertionError("query " + quoteJava(text) + " failed with " + t, t);
        }
      }
    }
    // The mutations exercise both outcomes.
    assertThat(parsedOk).isGreaterThan(1000);
    assertThat(rejected).isGreaterThan(1000);
  }

  @Test
  void randomCharacterSoupOnlyEverFailsWithQueryExceptions() {
    Random r = new Random(99);
    String alphabet = "()'\"`,=<>!-+.0123456789eE aAnNdDoOrRtTiIsSlLuU_\\\n\t*%$#@😀ü";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = r.nextInt(40);
      for (int k = 0; k < n; k++) {
        if (r.nextInt(5) == 0) {
          b.append(' ').append(pick(r, new String[] {"AND", "OR", "NOT", "IN", "BETWEEN", "IS",
              "NULL", "ORDER BY", "GROUP BY", "STARTS_WITH", "LIKE", "ASC", "DESC", "TRUE"})).append(' ');
        } else {
          int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length()))));
          b.appendCodePoint(cp);
        }
      }
      String text = b.toString();
      try {
        Query q = QueryParser.parse(text);
        assertThat(QueryParser.parse(QueryPrinter.print(q))).isEqualTo(q);
      } catch (QueryException e) {
        assertThat(e.getMessage()).startsWith("invalid query: ");
      } catch (Throwable t) {
        throw new AssertionError("query " + quoteJava(text) + " failed with " + t, t);
      }
    }
  }

  @Test
  void pathologicalInputsAreRejectedCleanly() {
    List<String> inputs = new ArrayList<>();
    inputs.add("(".repeat(10_000) + "a = 1" + ")".repeat(10_000));
    inputs.add("NOT ".repeat(10_000) + "a = 1");
    inputs.add(String.join(" AND ", Collections.nCopies(5_000, "a = 1")));
    inputs.add("a IN (" + String.join(",", Collections.nCopies(5_000, "1")) + ")");
    inputs.add("a = '" + "x".repeat(100_000));
    inputs.add("ORDER BY " + String.join(", ", Collections.nCopies(50, "a")));
    for (String text : inputs) {
      try {
        QueryParser.parse(text);
        fail("accepted a pathological query of " + text.length() + " characters");
      } catch (QueryException e) {
        assertThat(e.getMessage()).startsWith("invalid query: ");
      }
    }
  }

  // ------------------------------------------------------------------ generators

  static Query query(Random r) {
    Expr where = r.nextInt(8) == 0 ? null : expr(r, 0);
    List<String> groupBy = new ArrayList<>();
    if (r.nextInt(10) == 0) groupBy.add(name(r));
    List<Query.OrderTerm> orderBy = new ArrayList<>();
    if (r.nextInt(5) == 0) {
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) orderBy.add(new Query.OrderTerm(name(r), r.nextBoolean()));
    }
    return new Query(where, groupBy, orderBy);
  }

  static Expr expr(Random r, int depth) {
    int kind = depth > 4 ? 3 + r.nextInt(6) : r.nextInt(9);
    return switch (kind) {
      case 0 -> new Expr.And(expr(r, depth + 1), expr(r, depth + 1));
      case 1 -> new Expr.Or(expr(r, depth + 1), expr(r, depth + 1));
      case 2 -> new Expr.Not(expr(r, depth + 1));
      case 3, 4 -> new Expr.Comparison(name(r), pick(r, Expr.CompOp.values()), literal(r));
      case 5 -> {
        List<Literal> values = new ArrayList<>();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) values.add(literal(r));
        yield new Expr.InList(name(r), values, r.nextBoolean());
      }
      case 6 -> new Expr.Between(name(r), literal(r), literal(r), r.nextBoolean());
      case 7 -> new Expr.StartsWith(name(r), literal(r), r.nextBoolean());
      default -> new Expr.IsNull(name(r), r.nextBoolean());
    };
  }

  static String name(Random r) {
    return r.nextInt(5) == 0 ? pick(r, ODD_NAMES) : pick(r, PLAIN_NAMES);
  }

  static Literal literal(Random r) {
    switch (r.nextInt(8)) {
      case 0, 1:
        return new Literal.Str(pick(r, STRINGS));
      case 2:
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) b.append((char) (32 + r.nextInt(95)));
        return new Literal.Str(b.toString());
      case 3:
        return new Literal.Int(pick(r, new Long[] {0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 42L}));
      case 4:
        return new Literal.Int(r.nextLong() >> r.nextInt(64));
      case 5:
        return new Literal.Dbl(
            pick(r, new Double[] {0.0, -0.0, 1.5, -2.25, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 1e20}));
      case 6:
        return new Literal.Dbl((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20));
      default:
        return new Literal.Bool(r.nextBoolean());
    }
  }

  static String mutate(Random r, String s) {
    StringBuilder b = new StringBuilder(s);
    int edits = 1 + r.nextInt(3);
    String noise = "()'\"`,=<>!-. 0aZ_\\";
    for (int i = 0; i < edits && b.length() > 0; i++) {
      int at = r.nextInt(b.length());
      switch (r.nextInt(3)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, noise.charAt(r.nextInt(noise.length())));
        default -> b.setCharAt(at, noise.charAt(r.nextInt(noise.length())));
      }
    }
    return b.toString();
  }

  @SafeVarargs
  static <T> T pick(Random r, T... values) {
    return values[r.nextInt(values.length)];
  }

  static String quoteJava(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
