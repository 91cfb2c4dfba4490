package dev.sundial.persistence.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.visibility.Field;
import dev.sundial.persistence.visibility.SystemField;
import dev.sundial.persistence.visibility.VisibilityFilter;
import dev.sundial.persistence.visibility.VisibilityQuery;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The visibility queries SQLite runs for the common lists use an index for both the filter and
 * the order (no full scan, no sort of all rows): what keeps them fast on large namespaces.
 */
class VisibilityQueryPlanTest {
  private Conn conn;

  @BeforeEach
  void open() throws Exception {
    Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
    conn = new Conn(c);
    Migrations.apply(conn, new Dialect() {
      @Override
      public String migrationsDir() {
        return "db/sqlite";
      }

      @Override
      public String beginWrite() {
        return "BEGIN IMMEDIATE";
      }

      @Override
      public boolean isConstraintViolation(SQLException e) {
        return false;
      }
    });
  }

  @AfterEach
  void close() {
    conn.close();
  }

  String plan(VisibilityFilter f, List<VisibilityQuery.Sort> order) throws Exception {
    VisibilitySql q = new VisibilitySql(VisibilitySqlDialect.SQLITE);
    List<VisibilitySql.Key> keys = q.keys(new VisibilityQuery(f, order));
    q.append("EXPLAIN QUERY PLAN SELECT v.info");
    q.keyColumns(keys);
    q.append(" FROM executions_visibility v");
    q.where("ns", f);
    q.orderBy(keys);
    q.append(" LIMIT ").param(10L);
    StringBuilder plan = new StringBuilder();
    try (PreparedStatement ps = conn.connection.prepareStatement(q.sql.toString())) {
      for (int i = 0; i < q.params.size(); i++) ps.setObject(i + 1, q.params.get(i));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) plan.append(rs.getString(4)).append('\n');
      }
    }
    return plan.toString();
  }

  static VisibilityFilter noDivision() {
    return new VisibilityFilter.IsNull(Field.system(SystemField.NAMESPACE_DIVISION), false);
  }

  static VisibilityFilter and(VisibilityFilter... f) {
    return new VisibilityFilter.And(List.of(f));
  }

  static VisibilityFilter eq(SystemField f, Object v) {
    return new VisibilityFilter.Compare(Field.system(f), VisibilityFilter.Op.EQ, v);
  }

  @Test
  void defaultListWalksTheDefaultOrderIndex() throws Exception {
    String plan = plan(noDivision(), List.of());
    assertThat(plan).contains("USING INDEX vis_default").doesNotContain("TEMP B-TREE");
  }

  @Test
  void equalityFiltersUseTheirIndexesInDefaultOrder() throws Exception {
    assertThat(plan(and(noDivision(), eq(SystemField.EXECUTION_STATUS, 1L)), List.of()))
        .contains("USING INDEX vis_status").doesNotContain("TEMP B-TREE");
    assertThat(plan(and(noDivision(), eq(SystemField.WORKFLOW_TYPE, "T")), List.of()))
        .contains("USING INDEX vis_type").doesNotContain("TEMP B-TREE");
    assertThat(plan(and(noDivision(), eq(SystemField.WORKFLOW_ID, "w")), List.of()))
        .contains("USING INDEX vis_workflow_id").doesNotContain("TEMP B-TREE");
  }

  @Test
  void startTimeRangesAndOrderUseTheStartTimeIndex() throws Exception {
    VisibilityFilter range =
        new VisibilityFilter.Between(Field.system(SystemField.START_TIME), 1L, 2L, false);
    assertThat(plan(and(noDivision(), range), List.of(new VisibilityQuery.Sort(Field.system(SystemField.START_TIME), true))))
        .contains("USING INDEX vis_start_time").doesNotContain("TEMP B-TREE");
  }
}
