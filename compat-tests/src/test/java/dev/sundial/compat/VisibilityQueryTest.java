package dev.sundial.compat;

import static dev.sundial.compat.VisibilityFixture.BASE;
import static dev.sundial.compat.VisibilityFixture.NS;
import static dev.sundial.compat.VisibilityFixture.QUEUE_A;
import static dev.sundial.compat.VisibilityFixture.QUEUE_B;
import static dev.sundial.compat.VisibilityFixture.attributes;
import static dev.sundial.compat.VisibilityFixture.listAll;
import static dev.sundial.compat.VisibilityFixture.names;
import static dev.sundial.compat.VisibilityFixture.nanos;
import static dev.sundial.compat.VisibilityFixture.parentRunId;
import static dev.sundial.compat.VisibilityFixture.runs;
import static dev.sundial.compat.VisibilityFixture.stub;
import static dev.sundial.compat.VisibilityFixture.time;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.VisibilityFixture.Run;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * List and count through the query language, checked against a model of every query case over the
 * populated runs.
 */
class VisibilityQueryTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  // ------------------------------------------------------------------ three-valued logic

  static Boolean and(Boolean a, Boolean b) {
    if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) return false;
    if (a == null || b == null) return null;
    return true;
  }

  static Boolean or(Boolean a, Boolean b) {
    if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) return true;
    if (a == null || b == null) return null;
    return false;
  }

  static Boolean not(Boolean a) {
    return a == null ? null : !a;
  }

  static <T extends Comparable<T>> Boolean cmp(T v, T x, String op) {
    if (v == null) return null;
    int c = v.compareTo(x);
    return switch (op) {
      case "=" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  static Boolean num(Number v, double x, String op) {
    return v == null ? null : cmp(v.doubleValue(), x, op);
  }

  @SafeVarargs
  static <T> Boolean in(T v, T... xs) {
    return v == null ? null : List.of(xs).contains(v);
  }

  static Boolean isNull(Object v) {
    return v == null;
  }

  static boolean listHas(List<String> l, String... xs) {
    if (l == null) return false;
    for (String x : xs) if (l.contains(x)) return true;
    return false;
  }

  /** Text word match: any word of the filter appears (case-insensitive) as a word of the value. */
  static boolean textHas(String text, String filter) {
    if (text == null) return false;
    Set<String> words = new HashSet<>(List.of(text.toLowerCase().split("[^\\p{L}\\p{Nd}]+")));
    for (String w : filter.toLowerCase().split("[^\\p{L}\\p{Nd}]+")) {
      if (!w.isEmpty() && words.contains(w)) return true;
    }
    return false;
  }

  static Boolean startsWith(String v, String prefix) {
    return v == null ? null : v.startsWith(prefix);
  }

  // ------------------------------------------------------------------ queries

  record Case(String query, Function<Run, Boolean> expected) {}

  static List<Case> cases() {
    List<Run> all = new ArrayList<>(runs.values());
    all.sort(Comparator.comparingLong(r -> r.start));
    long mid = all.get(all.size() / 2).start;
    long q1 = all.get(all.size() / 4).start;
    long q3 = all.get(3 * all.size() / 4).start;
    List<Run> closed =
        all.stream().filter(r -> r.close != null).sorted(Comparator.comparingLong(r -> r.close)).toList();
    long closeMid = closed.get(closed.size() / 2).close;
    Run some = runs.values().stream().filter(r -> r.workflowId.equals("vis-07")).findFirst().orElseThrow();
    long dt10 = nanos(BASE.plusHours(10).toInstant());
    long dt20 = nanos(BASE.plusHours(20).toInstant());
    String running = "'Running'";
    List<Case> c = new ArrayList<>();
    // --- system attributes
    c.add(new Case("", r -> true));
    c.add(new Case("WorkflowType = 'OrderWorkflow'", r -> cmp(r.type, "OrderWorkflow", "=")));
    c.add(new Case("WorkflowType != 'OrderWorkflow'", r -> cmp(r.type, "OrderWorkflow", "!=")));
    c.add(new Case("WorkflowType <> 'PaymentWorkflow'", r -> cmp(r.type, "PaymentWorkflow", "!=")));
    c.add(new Case("WorkflowType IN ('OrderWorkflow', 'ShippingWorkflow')", r -> in(r.type, "OrderWorkflow", "ShippingWorkflow")));
    c.add(new Case("WorkflowType NOT IN ('OrderWorkflow')", r -> not(in(r.type, "OrderWorkflow"))));
    c.add(new Case("WorkflowType = \"PaymentWorkflow\"", r -> cmp(r.type, "PaymentWorkflow", "=")));
    c.add(new Case("WorkflowId = 'vis-07'", r -> cmp(r.workflowId, "vis-07", "=")));
    c.add(new Case("WorkflowId STARTS_WITH 'vis-1'", r -> startsWith(r.workflowId, "vis-1")));
    c.add(new Case("WorkflowId NOT STARTS_WITH 'vis-'", r -> not(startsWith(r.workflowId, "vis-"))));
    c.add(new Case("WorkflowId STARTS_WITH 'VIS-'", r -> startsWith(r.workflowId, "VIS-")));
    c.add(new Case("WorkflowId > 'vis-30'", r -> cmp(r.workflowId, "vis-30", ">")));
    c.add(new Case("WorkflowId BETWEEN 'vis-10' AND 'vis-19'", r -> and(cmp(r.workflowId, "vis-10", ">="), cmp(r.workflowId, "vis-19", "<="))));
    c.add(new Case("RunId = '" + some.runId + "'", r -> cmp(r.runId, some.runId, "=")));
    c.add(new Case("ExecutionStatus = " + running, r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
    c.add(new Case("ExecutionStatus = 'Completed'", r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));
    c.add(new Case("ExecutionStatus != 'Running'", r -> r.status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING));
    c.add(new Case("ExecutionStatus IN ('Failed', 'Canceled', 'Terminated')", r -> in(r.status, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED)));
    c.add(new Case("ExecutionStatus = 'ContinuedAsNew'", r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW));
    c.add(new Case("ExecutionStatus = 'TimedOut'", r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT));
    c.add(new Case("ExecutionStatus = 2", r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));
    c.add(new Case("ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_FAILED'", r -> r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED));
    c.add(new Case("ExecutionStatus NOT IN ('Running', 'Completed')", r -> not(in(r.status, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED))));
    c.add(new Case("TaskQueue = 'vis-q-a'", r -> cmp(r.queue, QUEUE_A, "=")));
    c.add(new Case("TaskQueue = 'vis-q-b' AND ExecutionStatus = 'Running'", r -> and(cmp(r.queue, QUEUE_B, "="), r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)));
    c.add(new Case("StartTime > '" + time(mid) + "'", r -> cmp(r.start, mid, ">")));
    c.add(new Case("StartTime <= '" + time(mid) + "'", r -> cmp(r.start, mid, "<=")));
    c.add(new Case("StartTime BETWEEN '" + time(q1) + "' AND '" + time(q3) + "'", r -> and(cmp(r.start, q1, ">="), cmp(r.start, q3, "<="))));
    c.add(new Case("StartTime NOT BETWEEN '" + time(q1) + "' AND '" + time(q3) + "'", r -> not(and(cmp(r.start, q1, ">="), cmp(r.start, q3, "<=")))));
    c.add(new Case("StartTime >= " + mid, r -> cmp(r.start, mid, ">=")));
    c.add(new Case("ExecutionTime < '" + time(mid) + "'", r -> cmp(r.execution, mid, "<")));
    c.add(new Case("CloseTime IS NULL", r -> r.close == null));
    c.add(new Case("CloseTime IS NOT NULL", r -> r.close != null));
    c.add(new Case("CloseTime > '" + time(closeMid) + "'", r -> cmp(r.close, closeMid, ">")));
    c.add(new Case("CloseTime <= '" + time(closeMid) + "' OR CloseTime IS NULL", r -> or(cmp(r.close, closeMid, "<="), r.close == null)));
    c.add(new Case("ExecutionDuration >= '0s'", r -> cmp(r.duration(), 0L, ">=")));
    c.add(new Case("ExecutionDuration < '1h'", r -> cmp(r.duration(), 3_600_000_000_000L, "<")));
    c.add(new Case("ExecutionDuration > '00:10:00'", r -> cmp(r.duration(), 600_000_000_000L, ">")));
    c.add(new Case("ExecutionDuration IS NULL", r -> r.duration() == null));
    c.add(new Case("HistoryLength > 3", r -> cmp(r.historyLength, 3L, ">")));
    c.add(new Case("HistoryLength = 2", r -> cmp(r.historyLength, 2L, "=")));
    c.add(new Case("HistorySizeBytes > 0", r -> cmp(r.historySize, 0L, ">")));
    c.add(new Case("StateTransitionCount >= 3", r -> cmp(r.transitions, 3L, ">=")));
    c.add(new Case("ParentWorkflowId = 'vis-parent'", r -> cmp(r.parentWf, "vis-parent", "=")));
    c.add(new Case("ParentWorkflowId IS NULL", r -> r.parentWf == null));
    c.add(new Case("ParentRunId IS NOT NULL", r -> r.parentRun != null));
    c.add(new Case("RootWorkflowId = 'vis-parent'", r -> cmp(r.rootWf, "vis-parent", "=")));
    c.add(new Case("RootRunId = '" + parentRunId + "'", r -> cmp(r.rootRun, parentRunId, "=")));
    c.add(new Case("TemporalChangeVersion IS NULL", r -> true));
    // --- custom attributes
    c.add(new Case("CustomKeyword = 'kw-1'", r -> cmp(r.kw(), "kw-1", "=")));
    c.add(new Case("CustomKeyword != 'kw-1'", r -> cmp(r.kw(), "kw-1", "!=")));
    c.add(new Case("`CustomKeyword` = 'kw-2'", r -> cmp(r.kw(), "kw-2", "=")));
    c.add(new Case("CustomKeyword IN ('kw-1', 'kw-2')", r -> in(r.kw(), "kw-1", "kw-2")));
    c.add(new Case("CustomKeyword NOT IN ('kw-1')", r -> not(in(r.kw(), "kw-1"))));
    c.add(new Case("CustomKeyword IS NULL", r -> isNull(r.kw())));
    c.add(new Case("CustomKeyword IS NOT NULL", r -> !isNull(r.kw())));
    c.add(new Case("CustomKeyword STARTS_WITH 'kw'", r -> startsWith(r.kw(), "kw")));
    c.add(new Case("CustomKeyword > 'kw-1'", r -> cmp(r.kw(), "kw-1", ">")));
    c.add(new Case("CustomKeyword BETWEEN 'kw-1' AND 'kw-2'", r -> and(cmp(r.kw(), "kw-1", ">="), cmp(r.kw(), "kw-2", "<="))));
    c.add(new Case("CustomKeyword = 'upserted'", r -> cmp(r.kw(), "upserted", "=")));
    c.add(new Case("CustomInt > 20", r -> cmp(r.i(), 20L, ">")));
    c.add(new Case("CustomInt <= 5", r -> cmp(r.i(), 5L, "<=")));
    c.add(new Case("CustomInt BETWEEN 10 AND 20", r -> and(cmp(r.i(), 10L, ">="), cmp(r.i(), 20L, "<="))));
    c.add(new Case("CustomInt NOT BETWEEN 10 AND 20", r -> not(and(cmp(r.i(), 10L, ">="), cmp(r.i(), 20L, "<=")))));
    c.add(new Case("CustomInt IN (1, 2, 3, 4)", r -> in(r.i(), 1L, 2L, 3L, 4L)));
    c.add(new Case("CustomInt >= 10.5", r -> num(r.i(), 10.5, ">=")));
    c.add(new Case("CustomInt > -1", r -> cmp(r.i(), -1L, ">")));
    c.add(new Case("CustomDouble > 30.5", r -> num(r.d(), 30.5, ">")));
    c.add(new Case("CustomDouble < 3", r -> num(r.d(), 3, "<")));
    c.add(new Case("CustomDouble = 4.5", r -> num(r.d(), 4.5, "=")));
    c.add(new Case("CustomBool = true", r -> cmp(r.b(), true, "=")));
    c.add(new Case("CustomBool = FALSE AND CustomInt < 10", r -> and(cmp(r.b(), false, "="), cmp(r.i(), 10L, "<"))));
    c.add(new Case("CustomBool != true", r -> cmp(r.b(), true, "!=")));
    c.add(new Case("CustomDatetime > '" + time(dt10) + "'", r -> cmp(r.dt(), dt10, ">")));
    c.add(new Case("CustomDatetime BETWEEN '2024-01-01T10:00:00Z' AND '2024-01-01T22:00:00+02:00'", r -> and(cmp(r.dt(), dt10, ">="), cmp(r.dt(), dt20, "<="))));
    c.add(new Case("CustomDatetime < '2024-01-01T05:00:00.000000001Z'", r -> cmp(r.dt(), nanos(BASE.plusHours(5).toInstant()) + 1, "<")));
    c.add(new Case("CustomKeywordList = 'tag1'", r -> listHas(r.kl(), "tag1")));
    c.add(new Case("CustomKeywordList IN ('tag0', 'tag2')", r -> listHas(r.kl(), "tag0", "tag2")));
    c.add(new Case("CustomKeywordList != 'tag1'", r -> !listHas(r.kl(), "tag1")));
    c.add(new Case("CustomKeywordList NOT IN ('tag0', 'all')", r -> !listHas(r.kl(), "tag0", "all")));
    c.add(new Case("CustomKeywordList IS NULL", r -> isNull(r.kl())));
    c.add(new Case("CustomText = 'alpha'", r -> textHas(r.text(), "alpha")));
    c.add(new Case("CustomText = 'GAMMA Delta'", r -> textHas(r.text(), "GAMMA Delta")));
    c.add(new Case("CustomText != 'beta'", r -> !textHas(r.text(), "beta")));
    c.add(new Case("CustomText = 'epsilon'", r -> textHas(r.text(), "epsilon")));
    // --- logic
    c.add(new Case("NOT (WorkflowType = 'OrderWorkflow')", r -> not(cmp(r.type, "OrderWorkflow", "="))));
    c.add(new Case("NOT WorkflowType = 'OrderWorkflow' AND CustomBool = true", r -> and(not(cmp(r.type, "OrderWorkflow", "=")), cmp(r.b(), true, "="))));
    c.add(new Case("WorkflowType = 'OrderWorkflow' OR CustomInt > 30", r -> or(cmp(r.type, "OrderWorkflow", "="), cmp(r.i(), 30L, ">"))));
    c.add(new Case("(WorkflowType = 'OrderWorkflow' OR WorkflowType = 'PaymentWorkflow') AND ExecutionStatus = 'Completed'", r -> and(or(cmp(r.type, "OrderWorkflow", "="), cmp(r.type, "PaymentWorkflow", "=")), r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED)));
    c.add(new Case("WorkflowType = 'OrderWorkflow' OR WorkflowType = 'PaymentWorkflow' AND ExecutionStatus = 'Completed'", r -> or(cmp(r.type, "OrderWorkflow", "="), and(cmp(r.type, "PaymentWorkflow", "="), r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED))));
    c.add(new Case("WorkflowType = 'OrderWorkflow' AND (CustomBool = true OR CustomKeyword = 'kw-3')", r -> and(cmp(r.type, "OrderWorkflow", "="), or(cmp(r.b(), true, "="), cmp(r.kw(), "kw-3", "=")))));
    c.add(new Case("NOT (CustomInt > 10 AND CustomBool = true)", r -> not(and(cmp(r.i(), 10L, ">"), cmp(r.b(), true, "=")))));
    c.add(new Case("NOT (CustomKeyword = 'kw-1')", r -> not(cmp(r.kw(), "kw-1", "="))));
    c.add(new Case("((CustomInt < 5) or (CustomInt > 30)) and not CloseTime is null", r -> and(or(cmp(r.i(), 5L, "<"), cmp(r.i(), 30L, ">")), r.close != null)));
    c.add(new Case("CustomKeyword = 'kw-1' AND CustomKeyword = 'kw-2'", r -> and(cmp(r.kw(), "kw-1", "="), cmp(r.kw(), "kw-2", "="))));
    c.add(new Case("WorkflowId = 'no-such-workflow'", r -> false));
    c.add(new Case("ExecutionStatus = 'Running' AND ParentWorkflowId IS NULL AND WorkflowType != 'ChildWorkflow'", r -> and(and(r.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, r.parentWf == null), cmp(r.type, "ChildWorkflow", "!="))));
    return c;
  }

  @BeforeAll
  static void populate() throws Exception {
    VisibilityFixture.populate(sundial);
  }

  @Test
  void listAndCountMatchTheModelForEveryQuery() {
    List<Case> cases = cases();
    assertThat(cases.size()).isGreaterThanOrEqualTo(60);
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      Set<String> expected =
          runs.values().stream()
              .filter(r -> Boolean.TRUE.equals(c.expected().apply(r)))
              .map(r -> r.runId)
              .collect(Collectors.toSet());
      List<WorkflowExecutionInfo> listed = listAll(c.query(), 1000);
      Set<String> actual =
          listed.stream().map(i -> i.getExecution().getRunId()).collect(Collectors.toSet());
      if (!actual.equals(expected) || listed.size() != actual.size()) {
        failures.add(
            c.query() + "\n   expected " + names(expected) + "\n   listed   " + names(actual));
      }
      long count =
          stub.countWorkflowExecutions(
                  CountWorkflowExecutionsRequest.newBuilder().setNamespace(NS).setQuery(c.query()).build())
              .getCount();
      if (count != expected.size()) {
        failures.add(c.query() + "\n   count " + count + " != " + expected.size());
      }
    }
    assertThat(failures).as("queries whose results differ from the model").isEmpty();
  }

  @Test
  void someQueriesMatchSomethingAndSomeMatchNothing() {
    // Guards the suite against a population that makes every filter trivially empty or full.
    long nonTrivial =
        cases().stream()
            .map(c -> runs.values().stream().filter(r -> Boolean.TRUE.equals(c.expected().apply(r))).count())
            .filter(n -> n > 0 && n < runs.size())
            .count();
    assertThat(nonTrivial).isGreaterThanOrEqualTo(50);
  }
}
