package dev.sundial.compat;

import static dev.sundial.compat.VisibilityFixture.BASE;
import static dev.sundial.compat.VisibilityFixture.BOOL;
import static dev.sundial.compat.VisibilityFixture.DATETIME;
import static dev.sundial.compat.VisibilityFixture.DOUBLE;
import static dev.sundial.compat.VisibilityFixture.INT;
import static dev.sundial.compat.VisibilityFixture.KEYWORD;
import static dev.sundial.compat.VisibilityFixture.LIST;
import static dev.sundial.compat.VisibilityFixture.NS;
import static dev.sundial.compat.VisibilityFixture.TEXT;
import static dev.sundial.compat.VisibilityFixture.TEXTS;
import static dev.sundial.compat.VisibilityFixture.attributes;
import static dev.sundial.compat.VisibilityFixture.describe;
import static dev.sundial.compat.VisibilityFixture.ids;
import static dev.sundial.compat.VisibilityFixture.listAll;
import static dev.sundial.compat.VisibilityFixture.parentRunId;
import static dev.sundial.compat.VisibilityFixture.runs;
import static dev.sundial.compat.VisibilityFixture.shortName;
import static dev.sundial.compat.VisibilityFixture.stub;
import static dev.sundial.compat.VisibilityFixture.timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sundial.compat.VisibilityFixture.Run;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.filter.v1.StatusFilter;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The visibility query suite: a population of executions with varied types, queues, statuses,
 * parents and search attributes (started through the SDK client, driven to their end states with
 * raw workflow task completions), then more than sixty list filters whose results are checked
 * against the same filters evaluated on a model of the population (built from
 * DescribeWorkflowExecution and the generator's values, with SQL's three-valued logic), plus
 * counts, GROUP BY, ordering, paging and the older ListOpen/ListClosed APIs.
 */
class VisibilityTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @BeforeAll
  static void populate() throws Exception {
    VisibilityFixture.populate(sundial);
  }

  @Test
  void defaultOrderIsOpenFirstThenNewestCloseThenNewestStartThenRunId() {
    List<Run> expected = new ArrayList<>(runs.values());
    expected.sort(
        Comparator.<Run>comparingLong(r -> r.close == null ? Long.MAX_VALUE : r.close)
            .reversed()
            .thenComparing(Comparator.<Run>comparingLong(r -> r.start).reversed())
            .thenComparing(r -> r.runId));
    assertThat(listAll("", 1000).stream().map(i -> i.getExecution().getRunId()).toList())
        .containsExactlyElementsOf(expected.stream().map(r -> r.runId).toList());
  }

  @Test
  void orderByAttributesPutsMissingValuesLastAndBreaksTiesByRunIdDescending() {
    Comparator<Run> byRunDesc = Comparator.<Run, String>comparing(r -> r.runId).reversed();
    checkOrder(
        "ORDER BY CustomInt",
        Comparator.<Run, Boolean>comparing(r -> r.i() == null)
            .thenComparing(r -> r.i() == null ? 0L : r.i())
            .thenComparing(byRunDesc));
    checkOrder(
        "CustomDouble > 3 ORDER BY CustomDouble DESC",
        Comparator.<Run, Double>comparing(r -> r.d()).reversed().thenComparing(byRunDesc));
    checkOrder(
        "ORDER BY WorkflowId ASC, StartTime DESC",
        Comparator.<Run, String>comparing(r -> r.workflowId)
            .thenComparing(Comparator.<Run>comparingLong(r -> r.start).reversed())
            .thenComparing(byRunDesc));
    checkOrder(
        "ExecutionStatus != 'Running' order by CloseTime asc",
        Comparator.<Run>comparingLong(r -> r.close).thenComparing(byRunDesc));
    checkOrder(
        "order by CustomKeyword desc, WorkflowId",
        Comparator.<Run, Boolean>comparing(r -> r.kw() == null)
            .thenComparing(r -> r.kw() == null ? "" : r.kw(), Comparator.reverseOrder())
            .thenComparing(r -> r.workflowId)
            .thenComparing(byRunDesc));
  }

  void checkOrder(String query, Comparator<Run> order) {
    String where = query.toUpperCase().contains("ORDER BY") ? query.substring(0, query.toUpperCase().indexOf("ORDER BY")).trim() : "";
    Set<String> matching = listAll(where, 1000).stream().map(i -> i.getExecution().getRunId()).collect(Collectors.toSet());
    List<String> expected =
        runs.values().stream().filter(r -> matching.contains(r.runId)).sorted(order).map(r -> r.runId).toList();
    // Paged in small pages so the keyset paging of custom orders is exercised too.
    assertThat(listAll(query, 4).stream().map(i -> i.getExecution().getRunId()).toList())
        .as(query)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void pagingIsStableWhileExecutionsAreAdded() {
    List<String> all = listAll("", 1000).stream().map(i -> i.getExecution().getRunId()).toList();
    List<String> paged = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    int pages = 0;
    do {
      ListWorkflowExecutionsResponse page =
          stub.listWorkflowExecutions(
              ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace(NS)
                  .setPageSize(7)
                  .setNextPageToken(token)
                  .build());
      assertThat(page.getExecutionsCount()).isLessThanOrEqualTo(7);
      page.getExecutionsList().forEach(i -> paged.add(i.getExecution().getRunId()));
      token = page.getNextPageToken();
      if (pages++ == 1) {
        // A new (open, hence first-sorted) execution does not shift the following pages.
        stub.startWorkflowExecution(
            StartWorkflowExecutionRequest.newBuilder()
                .setNamespace(NS)
                .setWorkflowId("vis-late-arrival")
                .setWorkflowType(WorkflowType.newBuilder().setName("LateWorkflow"))
                .setTaskQueue(TaskQueue.newBuilder().setName("vis-q-nobody"))
                .setRequestId("late")
                .build());
      }
    } while (!token.isEmpty());
    assertThat(paged).containsExactlyElementsOf(all);
    // Deleting it removes its visibility row too: later tests do not see it.
    stub.deleteWorkflowExecution(
        DeleteWorkflowExecutionRequest.newBuilder()
            .setNamespace(NS)
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId("vis-late-arrival"))
            .build());
    assertThat(
            stub.countWorkflowExecutions(
                    CountWorkflowExecutionsRequest.newBuilder()
                        .setNamespace(NS)
                        .setQuery("WorkflowId = 'vis-late-arrival'")
                        .build())
                .getCount())
        .isZero();
  }

  @Test
  void countGroupByExecutionStatus() {
    CountWorkflowExecutionsResponse r =
        stub.countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setQuery("WorkflowType != 'LateWorkflow' GROUP BY ExecutionStatus")
                .build());
    Map<String, Long> expected = new TreeMap<>();
    for (Run run : runs.values()) {
      String name = shortName(run.status);
      expected.merge(name, 1L, Long::sum);
    }
    Map<String, Long> actual = new TreeMap<>();
    for (var g : r.getGroupsList()) {
      assertThat(g.getGroupValuesCount()).isEqualTo(1);
      var p = g.getGroupValues(0);
      assertThat(p.getMetadataMap().get("type").toStringUtf8()).isEqualTo("Keyword");
      String json = p.getData().toStringUtf8();
      actual.put(json.substring(1, json.length() - 1), g.getCount());
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(r.getCount()).isEqualTo(runs.size());
    assertThat(
            stub.getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
                .getCapabilities()
                .getCountGroupByExecutionStatus())
        .isTrue();
  }

  @Test
  void listedExecutionsCarryTheDescribedInfoAndTypedSearchAttributes() {
    Run r = runs.values().stream().filter(x -> x.workflowId.equals("vis-13")).findFirst().orElseThrow();
    WorkflowExecutionInfo listed = listAll("WorkflowId = 'vis-13'", 10).get(0);
    WorkflowExecutionInfo described = describe("vis-13", r.runId);
    assertThat(listed).isEqualTo(described);
    // Through the SDK: typed values come back with their types (upserted keyword, no CustomInt).
    List<WorkflowExecutionMetadata> viaSdk =
        sundial.client().listExecutions("WorkflowId = 'vis-13'").toList();
    assertThat(viaSdk).hasSize(1);
    SearchAttributes typed = viaSdk.get(0).getTypedSearchAttributes();
    assertThat(typed.get(KEYWORD)).isEqualTo("upserted");
    assertThat(typed.containsKey(INT)).isFalse();
    assertThat(typed.get(DOUBLE)).isEqualTo(13 * 1.5);
    assertThat(typed.get(BOOL)).isFalse();
    assertThat(typed.get(DATETIME).toInstant()).isEqualTo(BASE.plusHours(13).toInstant());
    assertThat(typed.get(LIST)).containsExactly("tag1", "all");
    assertThat(typed.get(TEXT)).isEqualTo(TEXTS[1]);
    assertThat(viaSdk.get(0).getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(sundial.client().countWorkflows("CustomKeyword = 'upserted'").getCount())
        .isEqualTo(runs.values().stream().filter(x -> "upserted".equals(x.kw())).count());
  }

  @Test
  void continuedRunsInheritSearchAttributesAndChildrenKeepTheirOwn() {
    Run first = runs.values().stream().filter(x -> x.workflowId.equals("vis-05") && x.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW).findFirst().orElseThrow();
    List<WorkflowExecutionInfo> both = listAll("WorkflowId = 'vis-05' AND CustomInt = 5", 10);
    assertThat(both).hasSize(2);
    assertThat(both.stream().map(i -> i.getExecution().getRunId())).contains(first.runId);
    List<WorkflowExecutionInfo> child = listAll("ParentWorkflowId = 'vis-parent'", 10);
    assertThat(child).hasSize(1);
    assertThat(child.get(0).getExecution().getWorkflowId()).isEqualTo("vis-child");
    assertThat(child.get(0).getParentExecution().getRunId()).isEqualTo(parentRunId);
    assertThat(listAll("CustomKeyword = 'child' AND RootWorkflowId = 'vis-parent'", 10)).hasSize(1);
  }

  @Test
  void scanAndTheOlderListApisAgreeWithTheQueryLanguage() {
    ScanWorkflowExecutionsResponse scan =
        stub.scanWorkflowExecutions(
            ScanWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setQuery("WorkflowType = 'ShippingWorkflow'")
                .setPageSize(1000)
                .build());
    assertThat(ids(scan.getExecutionsList())).isEqualTo(ids(listAll("WorkflowType = 'ShippingWorkflow'", 1000)));

    var open =
        stub.listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setMaximumPageSize(1000)
                .setTypeFilter(WorkflowTypeFilter.newBuilder().setName("OrderWorkflow"))
                .build());
    assertThat(ids(open.getExecutionsList()))
        .isEqualTo(ids(listAll("ExecutionStatus = 'Running' AND WorkflowType = 'OrderWorkflow'", 1000)));

    var failed =
        stub.listClosedWorkflowExecutions(
            ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setMaximumPageSize(1000)
                .setStatusFilter(
                    StatusFilter.newBuilder()
                        .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED))
                .build());
    assertThat(ids(failed.getExecutionsList()))
        .isEqualTo(ids(listAll("ExecutionStatus = 'Failed'", 1000)))
        .isNotEmpty();

    List<Run> closed = runs.values().stream().filter(r -> r.close != null).sorted(Comparator.comparingLong(r -> r.close)).toList();
    long from = closed.get(2).close;
    long to = closed.get(closed.size() - 3).close;
    var window =
        stub.listClosedWorkflowExecutions(
            ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setMaximumPageSize(1000)
                .setStartTimeFilter(
                    StartTimeFilter.newBuilder()
                        .setEarliestTime(timestamp(from))
                        .setLatestTime(timestamp(to)))
                .build());
    assertThat(ids(window.getExecutionsList()))
        .isEqualTo(
            runs.values().stream()
                .filter(r -> r.close != null && r.close >= from && r.close <= to)
                .map(r -> r.runId)
                .collect(Collectors.toSet()));

    var byStart =
        stub.listOpenWorkflowExecutions(
            ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(NS)
                .setMaximumPageSize(1000)
                .setStartTimeFilter(StartTimeFilter.newBuilder().setEarliestTime(timestamp(closed.get(0).start)))
                .build());
    assertThat(ids(byStart.getExecutionsList()))
        .isEqualTo(
            runs.values().stream()
                .filter(r -> r.close == null && r.start >= closed.get(0).start)
                .map(r -> r.runId)
                .collect(Collectors.toSet()));

    StatusRuntimeException e =
        CompatServer.expectStatus(() ->
            stub.listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(NS)
                    .setStartTimeFilter(
                        StartTimeFilter.newBuilder().setEarliestTime(timestamp(to)).setLatestTime(timestamp(from)))
                    .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("EarliestTime");
  }

  @Test
  void malformedQueriesAreRejectedWithAMessageThatPointsAtTheProblem() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("WorkflowType = ", "unexpected end of query");
    cases.put("WorkflowType = 'x", "unterminated string starting at position 16");
    cases.put("Foo = 'x'", "column name 'Foo' is not a valid search attribute");
    cases.put("CustomInt = 'abc'", "invalid value type for search attribute CustomInt of type Int: 'abc'");
    cases.put("CustomText > 'a'", "operator '>' not supported for Text type search attribute 'CustomText'");
    cases.put("CustomKeywordList < 'a'", "operator '<' not supported for KeywordList type search attribute 'CustomKeywordList'");
    cases.put("StartTime > 'yesterday'", "unable to parse datetime 'yesterday'");
    cases.put("ExecutionStatus = 'Sleeping'", "invalid ExecutionStatus value 'Sleeping'");
    cases.put("WorkflowId = abc", "did you forget to quote 'abc' at position 14?");
    cases.put("(WorkflowType = 'a'", "expected ')' to close the '(' at position 1");
    cases.put("WorkflowType = 'a' AND", "unexpected end of query");
    cases.put("WorkflowType = 'a' AND OR", "unexpected 'OR' at position 24");
    cases.put("WorkflowType LIKE 'a%'", "operator 'LIKE'");
    cases.put("ORDER BY CustomText", "unable to sort by search attribute type Text");
    cases.put("GROUP BY ExecutionStatus", "'GROUP BY' clause is only supported by CountWorkflowExecutions");
    cases.put("CustomKeyword IS 'x'", "'IS' operator can only be used as 'IS NULL' or 'IS NOT NULL'");
    cases.put("WorkflowId = 'a' LIMIT 10", "'LIMIT' clause");
    cases.put("ExecutionDuration > 'forever'", "invalid duration value for search attribute ExecutionDuration: 'forever'");
    cases.put("CustomBool BETWEEN true AND false", "cannot do range condition on search attribute 'CustomBool' of type Bool");
    cases.put("WorkflowId STARTS_WITH 5", "right-hand side of 'STARTS_WITH' operator must be a literal string");
    cases.put("CustomInt > 1 #", "unexpected character '#' at position 15");
    cases.put("WorkflowId", "incomplete expression 'WorkflowId' at position 1");
    cases.put("CustomText = '...'", "no words found");
    cases.put("WorkflowType IN ()", "unexpected ')' at position 18");
    cases.put("`` = 'x'", "empty name in backticks at position 1");
    cases.put("CustomInt = 99999999999999999999e999", "is out of range");
    cases.put("WorkflowType = NULL", "NULL is not a value at position 16");
    for (var c : cases.entrySet()) {
      StatusRuntimeException e =
          CompatServer.expectStatus(() ->
              stub.listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder().setNamespace(NS).setQuery(c.getKey()).build()));
      assertThat(e.getStatus().getCode()).as(c.getKey()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).as(c.getKey()).startsWith("invalid query: ").contains(c.getValue());
    }
    StatusRuntimeException count =
        CompatServer.expectStatus(() ->
            stub.countWorkflowExecutions(
                CountWorkflowExecutionsRequest.newBuilder().setNamespace(NS).setQuery("GROUP BY WorkflowType").build()));
    assertThat(count.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(count.getStatus().getDescription()).contains("not supported for search attribute WorkflowType");
    StatusRuntimeException token =
        CompatServer.expectStatus(() ->
            stub.listWorkflowExecutions(
                ListWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(NS)
                    .setNextPageToken(ByteString.copyFromUtf8("garbage"))
                    .build()));
    assertThat(token.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(token.getStatus().getDescription()).contains("NextPageToken");
    StatusRuntimeException ns =
        CompatServer.expectStatus(() ->
            stub.listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder().setNamespace("no-such-ns").build()));
    assertThat(ns.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }
}
