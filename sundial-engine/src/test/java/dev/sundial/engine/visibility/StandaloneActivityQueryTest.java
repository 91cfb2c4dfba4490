package dev.sundial.engine.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.engine.visibility.query.QueryException;
import org.junit.jupiter.api.Test;

class StandaloneActivityQueryTest {
  private static final String DIVISION = "TemporalNamespaceDivision = 'TemporalStandaloneActivity'";

  @Test
  void anEmptyQueryMatchesEveryStandaloneActivity() {
    assertThat(StandaloneActivityQuery.toRunQuery("")).isEqualTo(DIVISION);
  }

  @Test
  void activityFieldsBecomeTheRunsAndIdsTheirKeys() {
    assertThat(StandaloneActivityQuery.toRunQuery(
            "ActivityId IN ('a', 'b') OR ActivityType = 'Greet' AND ExecutionStatus = 'Running'"
                + " ORDER BY ActivityId DESC"))
        .isEqualTo(DIVISION + " AND (WorkflowId IN ('\u001Factivity\u001Fa', '\u001Factivity\u001Fb')"
            + " OR WorkflowType = 'Greet' AND ExecutionStatus = 'Running') ORDER BY WorkflowId DESC");
    assertThat(StandaloneActivityQuery.toRunQuery("ActivityId STARTS_WITH 'job-' GROUP BY ExecutionStatus"))
        .isEqualTo(DIVISION + " AND WorkflowId STARTS_WITH '\u001Factivity\u001Fjob-'"
            + " GROUP BY ExecutionStatus");
    // A string that merely mentions a field name is left alone.
    assertThat(StandaloneActivityQuery.toRunQuery("TaskQueue = 'ActivityType'"))
        .isEqualTo(DIVISION + " AND TaskQueue = 'ActivityType'");
  }

  @Test
  void aMalformedQueryIsRefused() {
    assertThatThrownBy(() -> StandaloneActivityQuery.toRunQuery("ActivityId = "))
        .isInstanceOf(QueryException.class);
  }
}
