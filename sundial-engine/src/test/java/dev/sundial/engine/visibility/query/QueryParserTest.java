package dev.sundial.engine.visibility.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.engine.visibility.QueryResolver;
import dev.sundial.persistence.visibility.Field;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SystemField;
import dev.sundial.persistence.visibility.VisibilityFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parser's reading of specific queries, and the resolver's typing of them. */
class QueryParserTest {
  static Expr.Comparison eq(String name, Literal v) {
    return new Expr.Comparison(name, Expr.CompOp.EQ, v);
  }

  static Literal.Str s(String v) {
    return new Literal.Str(v);
  }

  @Test
  void precedenceIsNotThenAndThenOrLeftAssociative() {
    Query q = QueryParser.parse("a = 'x' OR NOT b = 'y' AND c = 'z' OR d = 'w'");
    Expr expected =
        new Expr.Or(
            new Expr.Or(
                eq("a", s("x")), new Expr.And(new Expr.Not(eq("b", s("y"))), eq("c", s("z")))),
            eq("d", s("w")));
    assertThat(q.where()).isEqualTo(expected);
    assertThat(QueryPrinter.print(q)).isEqualTo("a = 'x' OR NOT b = 'y' AND c = 'z' OR d = 'w'");
    Query grouped = QueryParser.parse("a = 'x' AND (b = 'y' OR c = 'z')");
    assertThat(QueryPrinter.print(grouped)).isEqualTo("a = 'x' AND (b = 'y' OR c = 'z')");
  }

  @Test
  void readsEveryOperatorAndLiteralForm() {
    Query q =
        QueryParser.parse(
            "`Weird Name` <> \"dq\" and n >= -5 AND d < 1.5e3 AND b = true AND k IN ('a', 'b')"
                + " AND k NOT IN (1) AND t between 1 and 2 and t not between 'a' and 'b'"
                + " AND w starts_with 'pre' AND w not starts_with 'x' AND z is null AND z IS NOT NULL"
                + " AND e = 'it''s' AND f = 'back\\\\slash\\n'"
                + " order by a, b desc, c asc");
    String printed = QueryPrinter.print(q);
    assertThat(printed)
        .isEqualTo(
            "`Weird Name` != 'dq' AND n >= -5 AND d < 1500.0 AND b = TRUE AND k IN ('a', 'b')"
                + " AND k NOT IN (1) AND t BETWEEN 1 AND 2 AND t NOT BETWEEN 'a' AND 'b'"
                + " AND w STARTS_WITH 'pre' AND w NOT STARTS_WITH 'x' AND z IS NULL"
                + " AND z IS NOT NULL AND e = 'it\\'s' AND f = 'back\\\\slash\\n'"
                + " ORDER BY a ASC, b DESC, c ASC");
    assertThat(QueryParser.parse(printed)).isEqualTo(q);
    assertThat(QueryParser.parse("").where()).isNull();
    assertThat(QueryParser.parse("   ").where()).isNull();
    assertThat(QueryParser.parse("GROUP BY ExecutionStatus").groupBy()).containsExactly("ExecutionStatus");
    assertThat(QueryParser.parse("x = 99999999999999999999").where())
        .isEqualTo(new Expr.Comparison("x", Expr.CompOp.EQ, new Literal.Dbl(1e20)));
  }

  @Test
  void errorsNameThePositionAndToken() {
    assertThatThrownBy(() -> QueryParser.parse("a = 'x' AND AND"))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "invalid query: malformed SQL query: unexpected 'AND' at position 13, expected an"
                + " attribute name, NOT or '('");
    assertThatThrownBy(() -> QueryParser.parse("a = 'x' b = 'y'"))
        .hasMessage(
            "invalid query: malformed SQL query: unexpected 'b' at position 9, expected AND, OR,"
                + " GROUP BY, ORDER BY or the end of the query");
    assertThatThrownBy(() -> QueryParser.parse("a IN ('x' 'y')"))
        .hasMessageContaining("unexpected string 'y' at position 11, expected ',' or ')' in the IN list of a");
  }

  static final Map<String, SaType> CUSTOM =
      Map.of("CustomInt", SaType.INT, "CustomText", SaType.TEXT, "CustomList", SaType.KEYWORD_LIST);

  static VisibilityFilter resolve(String q) {
    return QueryResolver.resolve(QueryParser.parse(q), CUSTOM::get, QueryResolver.Purpose.LIST).filter();
  }

  @Test
  void resolverTypesValuesAndHidesDivisionsUnlessAsked() {
    Field division = Field.system(SystemField.NAMESPACE_DIVISION);
    VisibilityFilter noDivision = new VisibilityFilter.IsNull(division, false);
    assertThat(resolve("")).isEqualTo(noDivision);
    assertThat(resolve("ExecutionStatus = 'completed' AND StartTime > '1970-01-01T00:00:01Z'"))
        .isEqualTo(
            new VisibilityFilter.And(
                List.of(
                    noDivision,
                    new VisibilityFilter.And(
                        List.of(
                            new VisibilityFilter.Compare(
                                Field.system(SystemField.EXECUTION_STATUS), VisibilityFilter.Op.EQ, 2L),
                            new VisibilityFilter.Compare(
                                Field.system(SystemField.START_TIME), VisibilityFilter.Op.GT,
                                1_000_000_000L))))));
    assertThat(resolve("TemporalNamespaceDivision = 'x'"))
        .isEqualTo(new VisibilityFilter.Compare(division, VisibilityFilter.Op.EQ, "x"));
    assertThat(resolve("ExecutionDuration > '1h30m'"))
        .isEqualTo(
            new VisibilityFilter.And(
                List.of(
                    noDivision,
                    new VisibilityFilter.Compare(
                        Field.system(SystemField.EXECUTION_DURATION), VisibilityFilter.Op.GT,
                        5_400_000_000_000L))));
    assertThat(resolve("ExecutionDuration = '01:00:00.5'"))
        .isEqualTo(
            new VisibilityFilter.And(
                List.of(
                    noDivision,
                    new VisibilityFilter.Compare(
                        Field.system(SystemField.EXECUTION_DURATION), VisibilityFilter.Op.EQ,
                        3_600_500_000_000L))));
    assertThat(resolve("CustomInt IN (1, 2.5)"))
        .isEqualTo(
            new VisibilityFilter.And(
                List.of(
                    noDivision,
                    new VisibilityFilter.In(Field.custom("CustomInt", SaType.INT), List.of(1L, 2.5), false))));
  }

  @Test
  void resolverRejectsWhatTemporalRejects() {
    assertThatThrownBy(() -> resolve("CustomText IN ('a')"))
        .hasMessage(
            "invalid query: operation is not supported: operator 'IN' not supported for Text type"
                + " search attribute 'CustomText'");
    assertThatThrownBy(() -> resolve("ExecutionStatus > 'Running'"))
        .hasMessageContaining("operator '>' not supported for Keyword type search attribute 'ExecutionStatus'");
    assertThatThrownBy(() -> resolve("CustomList STARTS_WITH 'a'"))
        .hasMessageContaining("operator 'STARTS_WITH' not supported for KeywordList");
    assertThatThrownBy(() -> resolve("ExecutionStatus = 9"))
        .hasMessage("invalid query: invalid expression: invalid ExecutionStatus value 9");
    assertThatThrownBy(() -> resolve("CustomInt = TRUE"))
        .hasMessage(
            "invalid query: invalid expression: invalid value type for search attribute CustomInt"
                + " of type Int: TRUE");
    assertThatThrownBy(
            () ->
                QueryResolver.resolve(
                    QueryParser.parse("ORDER BY StartTime"), CUSTOM::get, QueryResolver.Purpose.COUNT))
        .hasMessageContaining("'ORDER BY' clause is not supported by CountWorkflowExecutions");
    assertThatThrownBy(
            () ->
                QueryResolver.resolve(
                    QueryParser.parse("GROUP BY ExecutionStatus, WorkflowType"), CUSTOM::get,
                    QueryResolver.Purpose.COUNT))
        .hasMessageContaining("'GROUP BY' clause supports only a single field");
  }
}
