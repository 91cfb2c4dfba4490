package dev.sundial.engine.visibility;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.visibility.query.QueryParser;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.visibility.VisibilityPage;
import dev.sundial.persistence.visibility.VisibilityStore;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The visibility API over the store: list and count executions with Temporal's list filter
 * language, and search attribute validation against the namespace's registry. Reads see
 * committed state (visibility rows are written with the state, so there is no lag).
 */
public final class Visibility {
  /** Temporal's default (and maximum) page size for visibility lists. */
  public static final int MAX_PAGE_SIZE = 1000;

  private final VisibilityStore store;
  private final SearchAttributeRegistry registry;

  public Visibility(Store store, SearchAttributeRegistry registry) {
    this.store = store.visibility();
    this.registry = registry;
  }

  public SearchAttributeRegistry searchAttributes() {
    return registry;
  }

  /** A page of executions and the token of the next page (empty when there is none). */
  public record Page(List<WorkflowExecutionInfo> executions, ByteString nextPageToken) {}

  /**
   * ListWorkflowExecutions: executions of the namespace matching the query, in the query's order
   * (Temporal's default order without ORDER BY). A page size outside 1..1000 means 1000.
   */
  public Page list(String namespaceId, String query, int pageSize, ByteString pageToken) {
    int size = pageSize <= 0 || pageSize > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : pageSize;
    QueryResolver.Resolved q =
        QueryResolver.resolve(
            QueryParser.parse(query), name -> registry.custom(namespaceId).get(name),
            QueryResolver.Purpose.LIST);
    byte[] token = pageToken == null || pageToken.isEmpty() ? null : pageToken.toByteArray();
    VisibilityPage page;
    try {
      page = store.list(namespaceId, q.query(), size, token);
    } catch (IllegalArgumentException e) {
      throw EngineException.invalidArgument("Invalid NextPageToken: " + e.getMessage());
    }
    List<WorkflowExecutionInfo> infos = new ArrayList<>(page.executions().size());
    for (byte[] b : page.executions()) {
      try {
        infos.add(WorkflowExecutionInfo.parseFrom(b));
      } catch (InvalidProtocolBufferException e) {
        throw new EngineException(EngineException.Code.INTERNAL, "corrupt visibility record");
      }
    }
    return new Page(
        infos,
        page.nextPageToken() == null ? ByteString.EMPTY : ByteString.copyFrom(page.nextPageToken()));
  }

  /**
   * CountWorkflowExecutions, including {@code GROUP BY ExecutionStatus} (groups keyed by the
   * status name as a Keyword payload, as Temporal reports them).
   */
  public CountWorkflowExecutionsResponse count(String namespaceId, String query) {
    QueryResolver.Resolved q =
        QueryResolver.resolve(
            QueryParser.parse(query), name -> registry.custom(namespaceId).get(name),
            QueryResolver.Purpose.COUNT);
    if (!q.groupByStatus()) {
      return CountWorkflowExecutionsResponse.newBuilder()
          .setCount(store.count(namespaceId, q.filter()))
          .build();
    }
    CountWorkflowExecutionsResponse.Builder r = CountWorkflowExecutionsResponse.newBuilder();
    long total = 0;
    for (Map.Entry<Integer, Long> e : store.countByStatus(namespaceId, q.filter()).entrySet()) {
      WorkflowExecutionStatus st = WorkflowExecutionStatus.forNumber(e.getKey());
      String name = st == null ? String.valueOf(e.getKey()) : QueryResolver.shortName(st);
      Payload value = SearchAttributePayloads.keyword(name);
      r.addGroups(
          CountWorkflowExecutionsResponse.AggregationGroup.newBuilder()
              .addGroupValues(value)
              .setCount(e.getValue()));
      total += e.getValue();
    }
    return r.setCount(total).build();
  }

  /**
   * Validates search attributes a request sets (start, signal-with-start, update-with-start) and
   * returns them as sent; INVALID_ARGUMENT naming the attribute otherwise.
   */
  public SearchAttributes validate(
      String namespaceId, String namespaceName, SearchAttributes attributes) {
    return SearchAttributeValidator.validate(registry, namespaceId, namespaceName, attributes);
  }
}
