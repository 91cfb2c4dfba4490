package dev.sundial.server.frontend;

import com.google.protobuf.Timestamp;
import dev.sundial.engine.Engine;
import dev.sundial.engine.visibility.SearchAttributeRegistry;
import dev.sundial.engine.visibility.Visibility;
import dev.sundial.engine.visibility.query.Literal;
import dev.sundial.engine.visibility.query.QueryPrinter;
import dev.sundial.persistence.visibility.SaType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.GetSearchAttributesResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ScanWorkflowExecutionsResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The visibility RPCs of the WorkflowService. The older ListOpen/ListClosed APIs are translated
 * to list filter queries, as Temporal does.
 */
final class VisibilityHandler {
  private final Visibility visibility;

  VisibilityHandler(Engine engine) {
    this.visibility = engine.visibility;
  }

  ListWorkflowExecutionsResponse list(String namespaceId, ListWorkflowExecutionsRequest r) {
    Visibility.Page p =
        visibility.list(namespaceId, r.getQuery(), r.getPageSize(), r.getNextPageToken());
    return ListWorkflowExecutionsResponse.newBuilder()
        .addAllExecutions(p.executions())
        .setNextPageToken(p.nextPageToken())
        .build();
  }

  /** Deprecated in Temporal, where it is ListWorkflowExecutions under another name. */
  ScanWorkflowExecutionsResponse scan(String namespaceId, ScanWorkflowExecutionsRequest r) {
    Visibility.Page p =
        visibility.list(namespaceId, r.getQuery(), r.getPageSize(), r.getNextPageToken());
    return ScanWorkflowExecutionsResponse.newBuilder()
        .addAllExecutions(p.executions())
        .setNextPageToken(p.nextPageToken())
        .build();
  }

  CountWorkflowExecutionsResponse count(String namespaceId, CountWorkflowExecutionsRequest r) {
    return visibility.count(namespaceId, r.getQuery());
  }

  ListOpenWorkflowExecutionsResponse listOpen(
      String namespaceId, ListOpenWorkflowExecutionsRequest r) {
    List<String> terms = new ArrayList<>();
    terms.add("ExecutionStatus = 'Running'");
    timeRange(terms, "StartTime", r.hasStartTimeFilter() ? r.getStartTimeFilter() : null);
    if (r.hasExecutionFilter()) {
      terms.add("WorkflowId = " + quote(r.getExecutionFilter().getWorkflowId()));
    } else if (r.hasTypeFilter()) {
      terms.add("WorkflowType = " + quote(r.getTypeFilter().getName()));
    }
    Visibility.Page p =
        visibility.list(
            namespaceId, String.join(" AND ", terms), r.getMaximumPageSize(), r.getNextPageToken());
    return ListOpenWorkflowExecutionsResponse.newBuilder()
        .addAllExecutions(p.executions())
        .setNextPageToken(p.nextPageToken())
        .build();
  }

  ListClosedWorkflowExecutionsResponse listClosed(
      String namespaceId, ListClosedWorkflowExecutionsRequest r) {
    List<String> terms = new ArrayList<>();
    terms.add("ExecutionStatus != 'Running'");
    // As in Temporal, the "start time" filter of closed executions applies to their close time.
    timeRange(terms, "CloseTime", r.hasStartTimeFilter() ? r.getStartTimeFilter() : null);
    if (r.hasExecutionFilter()) {
      terms.add("WorkflowId = " + quote(r.getExecutionFilter().getWorkflowId()));
    } else if (r.hasTypeFilter()) {
      terms.add("WorkflowType = " + quote(r.getTypeFilter().getName()));
    } else if (r.hasStatusFilter()) {
      WorkflowExecutionStatus st = r.getStatusFilter().getStatus();
      if (st == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED
          || st == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || st == WorkflowExecutionStatus.UNRECOGNIZED) {
        throw RequestValidator.invalid("StatusFilter must be specified and must be not Running.");
      }
      terms.add("ExecutionStatus = " + st.getNumber());
    }
    Visibility.Page p =
        visibility.list(
            namespaceId, String.join(" AND ", terms), r.getMaximumPageSize(), r.getNextPageToken());
    return ListClosedWorkflowExecutionsResponse.newBuilder()
        .addAllExecutions(p.executions())
        .setNextPageToken(p.nextPageToken())
        .build();
  }

  /** System, predefined and (every namespace's) custom search attributes. */
  GetSearchAttributesResponse searchAttributes() {
    return GetSearchAttributesResponse.newBuilder()
        .putAllKeys(types(SearchAttributeRegistry.SYSTEM))
        .putAllKeys(types(SearchAttributeRegistry.PREDEFINED))
        .putAllKeys(types(SearchAttributeRegistry.PREDEFINED_INTERNAL))
        .putAllKeys(types(visibility.searchAttributes().allCustom()))
        .build();
  }

  static IndexedValueType indexedValueType(SaType t) {
    return IndexedValueType.valueOf("INDEXED_VALUE_TYPE_" + t.name());
  }

  static Map<String, IndexedValueType> types(Map<String, SaType> from) {
    Map<String, IndexedValueType> into = new TreeMap<>();
    from.forEach((k, v) -> into.put(k, indexedValueType(v)));
    return into;
  }

  private static void timeRange(List<String> terms, String attribute, StartTimeFilter f) {
    if (f == null) {
      return;
    }
    boolean hasEarliest = f.hasEarliestTime() && !isZero(f.getEarliestTime());
    boolean hasLatest = f.hasLatestTime() && !isZero(f.getLatestTime());
    if (hasEarliest && hasLatest) {
      if (compare(f.getEarliestTime(), f.getLatestTime()) > 0) {
        throw RequestValidator.invalid(
            "EarliestTime in StartTimeFilter should not be larger than LatestTime.");
      }
      terms.add(attribute + " BETWEEN " + time(f.getEarliestTime()) + " AND "
          + time(f.getLatestTime()));
    } else if (hasEarliest) {
      terms.add(attribute + " >= " + time(f.getEarliestTime()));
    } else if (hasLatest) {
      terms.add(attribute + " <= " + time(f.getLatestTime()));
    }
  }

  private static boolean isZero(Timestamp t) {
    return t.getSeconds() == 0 && t.getNanos() == 0;
  }

  private static int compare(Timestamp a, Timestamp b) {
    int c = Long.compare(a.getSeconds(), b.getSeconds());
    return c != 0 ? c : Integer.compare(a.getNanos(), b.getNanos());
  }

  private static String time(Timestamp t) {
    return quote(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
  }

  private static String quote(String s) {
    return QueryPrinter.print(new Literal.Str(s));
  }
}
