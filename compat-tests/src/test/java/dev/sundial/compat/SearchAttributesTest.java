package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesRequest;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Search attributes end to end: the OperatorService registry per namespace, validation of values
 * at start / signal-with-start / upsert with Temporal's messages, typed values set and upserted
 * through the SDK coming back typed on describe and list, memo upserts, continue-as-new
 * inheritance, and namespace isolation.
 */
class SearchAttributesTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final String NS = CompatServer.NAMESPACE;
  static final SearchAttributeKey<String> KEYWORD = SearchAttributeKey.forKeyword("SaKeyword");
  static final SearchAttributeKey<Long> INT = SearchAttributeKey.forLong("SaInt");
  static final SearchAttributeKey<OffsetDateTime> WHEN =
      SearchAttributeKey.forOffsetDateTime("SaWhen");
  static final SearchAttributeKey<List<String>> TAGS = SearchAttributeKey.forKeywordList("SaTags");
  static final SearchAttributeKey<String> NOT_REGISTERED =
      SearchAttributeKey.forKeyword("NotRegistered");

  static OperatorServiceGrpc.OperatorServiceBlockingStub operator;

  @BeforeAll
  static void register() {
    operator = OperatorServiceGrpc.newBlockingStub(sundial.stubs().getRawChannel());
    operator.addSearchAttributes(
        AddSearchAttributesRequest.newBuilder()
            .setNamespace(NS)
            .putSearchAttributes("SaKeyword", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .putSearchAttributes("SaInt", IndexedValueType.INDEXED_VALUE_TYPE_INT)
            .putSearchAttributes("SaWhen", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
            .putSearchAttributes("SaTags", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST)
            .build());
  }

  // ------------------------------------------------------------------ the registry

  @Test
  void operatorServiceAddsListsAndRemovesPerNamespace() {
    operator.addSearchAttributes(
        AddSearchAttributesRequest.newBuilder()
            .setNamespace(NS)
            .putSearchAttributes("Scratch", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
            .build());
    // Adding it again with the same type changes nothing.
    operator.addSearchAttributes(
        AddSearchAttributesRequest.newBuilder()
            .setNamespace(NS)
            .putSearchAttributes("Scratch", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
            .build());
    ListSearchAttributesResponse list =
        operator.listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(NS).build());
    assertThat(list.getCustomAttributesMap())
        .containsEntry("Scratch", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
        .containsEntry("SaKeyword", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .containsEntry("SaTags", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST);
    assertThat(list.getSystemAttributesMap())
        .containsEntry("WorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .containsEntry("StartTime", IndexedValueType.INDEXED_VALUE_TYPE_DATETIME)
        .containsEntry("ExecutionDuration", IndexedValueType.INDEXED_VALUE_TYPE_INT)
        .containsEntry("TemporalChangeVersion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST)
        .doesNotContainKey("Scratch");
    assertThat(
            sundial.blockingStub()
                .getSearchAttributes(GetSearchAttributesRequest.getDefaultInstance())
                .getKeysMap())
        .containsEntry("Scratch", IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE)
        .containsEntry("ExecutionStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .containsEntry("RootWorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

    operator.removeSearchAttributes(
        RemoveSearchAttributesRequest.newBuilder()
            .setNamespace(NS)
            .addSearchAttributes("Scratch")
            .addSearchAttributes("NeverExisted")
            .build());
    assertThat(
            operator
                .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(NS).build())
                .getCustomAttributesMap())
        .doesNotContainKey("Scratch")
        .containsKey("SaKeyword");
  }

  @Test
  void operatorServiceRejectsBadRequestsWithTemporalsMessages() {
    expectInvalid(
        () -> operator.addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace(NS).build()),
        "SearchAttributes are not set on request.");
    expectInvalid(
        () -> add("WorkflowId", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
        "Search attribute WorkflowId is reserved by system.");
    expectInvalid(
        () -> add("TemporalSomething", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD),
        "Search attribute TemporalSomething is reserved by system.");
    expectInvalid(
        () -> add("Fine", IndexedValueType.INDEXED_VALUE_TYPE_UNSPECIFIED),
        "Unknown search attribute type: INDEXED_VALUE_TYPE_UNSPECIFIED.");
    expectInvalid(
        () -> add("SaKeyword", IndexedValueType.INDEXED_VALUE_TYPE_INT),
        "Search attribute SaKeyword already exists with type Keyword.");
    expectInvalid(
        () -> add("bad name", IndexedValueType.INDEXED_VALUE_TYPE_INT),
        "Search attribute name bad name is not valid");
    expectInvalid(
        () ->
            operator.addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .putSearchAttributes("X", IndexedValueType.INDEXED_VALUE_TYPE_INT)
                    .build()),
        "Namespace not set on request.");
    expectInvalid(
        () ->
            operator.removeSearchAttributes(
                RemoveSearchAttributesRequest.newBuilder()
                    .setNamespace(NS)
                    .addSearchAttributes("ExecutionStatus")
                    .build()),
        "Unable to remove non-custom search attributes: ExecutionStatus.");
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                operator.listSearchAttributes(
                    ListSearchAttributesRequest.newBuilder().setNamespace("no-such-namespace").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  static void add(String name, IndexedValueType type) {
    operator.addSearchAttributes(
        AddSearchAttributesRequest.newBuilder().setNamespace(NS).putSearchAttributes(name, type).build());
  }

  // ------------------------------------------------------------------ validation of values

  @Test
  void startValidatesValuesAgainstTheRegisteredTypes() {
    String id = sundial.newWorkflowId("sa-invalid");
    expectInvalid(
        () -> start(id, Map.of("Nope", json("\"x\""))),
        "Namespace default has no mapping defined for search attribute Nope");
    expectInvalid(
        () -> start(id, Map.of("SaInt", json("\"abc\""))),
        "invalid value for search attribute SaInt of type Int: \"abc\"");
    expectInvalid(
        () -> start(id, Map.of("SaInt", json("1.5"))),
        "invalid value for search attribute SaInt of type Int: 1.5");
    expectInvalid(
        () -> start(id, Map.of("SaKeyword", json("[\"a\",\"b\"]"))),
        "invalid value for search attribute SaKeyword of type Keyword: [\"a\",\"b\"]");
    expectInvalid(
        () -> start(id, Map.of("SaWhen", json("\"next tuesday\""))),
        "invalid value for search attribute SaWhen of type Datetime");
    expectInvalid(
        () -> start(id, Map.of("WorkflowId", json("\"x\""))),
        "WorkflowId attribute can't be set in SearchAttributes");
    expectInvalid(
        () -> start(id, Map.of("SaKeyword", json("\"" + "k".repeat(3000) + "\""))),
        "search attribute SaKeyword value size 3002 exceeds size limit 2048");
    expectInvalid(
        () ->
            sundial
                .blockingStub()
                .signalWithStartWorkflowExecution(
                    SignalWithStartWorkflowExecutionRequest.newBuilder()
                        .setNamespace(NS)
                        .setWorkflowId(id)
                        .setWorkflowType(WorkflowType.newBuilder().setName("W"))
                        .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                        .setSignalName("go")
                        .setSearchAttributes(
                            io.temporal.api.common.v1.SearchAttributes.newBuilder()
                                .putIndexedFields("SaInt", json("true")))
                        .build()),
        "invalid value for search attribute SaInt of type Int: true");
    // Nothing was started by any of them.
    StatusRuntimeException e = CompatServer.expectStatus(() -> sundial.describe(id, null));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    // Values the SDKs send without type metadata, one-element lists and unset values are fine.
    start(
        id,
        Map.of(
            "SaInt", json("[42]"),
            "SaTags", json("\"single\""),
            "SaKeyword", json("null")));
    var sa = sundial.describe(id, null).getWorkflowExecutionInfo().getSearchAttributes();
    assertThat(sa.getIndexedFieldsMap()).containsOnlyKeys("SaInt", "SaTags");
    assertThat(sa.getIndexedFieldsMap().get("SaInt").getMetadataMap().get("type").toStringUtf8())
        .isEqualTo("Int");
    // As in Temporal, a value is kept as sent; one without a type gets its registered type.
    assertThat(sa.getIndexedFieldsMap().get("SaTags").getData().toStringUtf8())
        .isEqualTo("\"single\"");
    assertThat(sa.getIndexedFieldsMap().get("SaTags").getMetadataMap().get("type").toStringUtf8())
        .isEqualTo("KeywordList");
    assertThat(count("SaInt = 42 AND SaTags = 'single' AND SaKeyword IS NULL")).isEqualTo(1);
    terminate(id);
  }

  static Payload json(String data) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  static void start(String id, Map<String, Payload> attributes) {
    sundial
        .blockingStub()
        .startWorkflowExecution(
            StartWorkflowExecutionRequest.newBuilder()
                .setNamespace(NS)
                .setWorkflowId(id)
                .setWorkflowType(WorkflowType.newBuilder().setName("W"))
                .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                .setSearchAttributes(
                    io.temporal.api.common.v1.SearchAttributes.newBuilder()
                        .putAllIndexedFields(attributes))
                .build());
  }

  static void terminate(String id) {
    sundial
        .blockingStub()
        .terminateWorkflowExecution(
            TerminateWorkflowExecutionRequest.newBuilder()
                .setNamespace(NS)
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                .build());
  }

  static long count(String query) {
    return sundial.client().countWorkflows(query).getCount();
  }

  // ------------------------------------------------------------------ SDK workflows

  @WorkflowInterface
  public interface Upserting {
    @WorkflowMethod
    String run(int generation);
  }

  public static class UpsertingImpl implements Upserting {
    @Override
    public String run(int generation) {
      if (generation == 0) {
        Workflow.upsertTypedSearchAttributes(
            KEYWORD.valueSet("upserted"),
            INT.valueUnset(),
            TAGS.valueSet(List.of("a", "b")),
            WHEN.valueSet(OffsetDateTime.of(2030, 5, 6, 7, 8, 9, 123_000_000, ZoneOffset.ofHours(2))));
        Workflow.upsertMemo(Map.of("note", "first run", "gone", "soon"));
        Workflow.upsertMemo(Map.of("gone", "x"));
        Workflow.continueAsNew(1);
      }
      SearchAttributes mine = Workflow.getTypedSearchAttributes();
      Workflow.upsertMemo(Map.of("second", mine.get(KEYWORD)));
      Workflow.sleep(Duration.ofDays(1)); // stays open for the assertions
      return mine.get(KEYWORD);
    }
  }

  @Test
  void sdkUpsertsAreVisibleTypedAndInheritedByContinueAsNew() {
    sundial.worker().registerWorkflowImplementationTypes(UpsertingImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("sa-upsert");
    Upserting wf =
        sundial
            .client()
            .newWorkflowStub(
                Upserting.class,
                sundial
                    .workflowOptions(id)
                    .setTypedSearchAttributes(
                        SearchAttributes.newBuilder().set(KEYWORD, "initial").set(INT, 7L).build())
                    .build());
    WorkflowClient.start(wf::run, 0);
    CompatServer.await(
        Duration.ofSeconds(20), "second run upserted its memo",
        () -> count("WorkflowId = '" + id + "' AND ExecutionStatus = 'Running'") == 1
            && sundial.describe(id, null).getWorkflowExecutionInfo().getMemo().containsFields("second"));

    WorkflowExecutionDescription d = sundial.client().newUntypedWorkflowStub(id).describe();
    SearchAttributes typed = d.getTypedSearchAttributes();
    assertThat(typed.get(KEYWORD)).isEqualTo("upserted");
    assertThat(typed.containsKey(INT)).isFalse();
    assertThat(typed.get(TAGS)).containsExactly("a", "b");
    assertThat(typed.get(WHEN).toInstant())
        .isEqualTo(OffsetDateTime.of(2030, 5, 6, 5, 8, 9, 123_000_000, ZoneOffset.UTC).toInstant());
    assertThat(d.getMemo("note", String.class)).isEqualTo("first run");
    assertThat(d.getMemo("second", String.class)).isEqualTo("upserted");

    // Both runs are found by the upserted values; the first one closed as continued-as-new.
    assertThat(count("WorkflowId = '" + id + "' AND SaKeyword = 'upserted' AND SaInt IS NULL"))
        .isEqualTo(2);
    assertThat(count("WorkflowId = '" + id + "' AND SaWhen = '2030-05-06T05:08:09.123Z'"))
        .isEqualTo(2);
    assertThat(count("WorkflowId = '" + id + "' AND SaTags IN ('b', 'z')")).isEqualTo(2);
    assertThat(count("WorkflowId = '" + id + "' AND SaKeyword = 'initial'")).isZero();
    List<WorkflowExecutionMetadata> closed =
        sundial.client()
            .listExecutions("WorkflowId = '" + id + "' AND ExecutionStatus = 'ContinuedAsNew'")
            .toList();
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).getTypedSearchAttributes().get(KEYWORD)).isEqualTo("upserted");
    assertThat(closed.get(0).getMemo("note", String.class)).isEqualTo("first run");
    terminate(id);
  }

  @WorkflowInterface
  public interface BadUpsert {
    @WorkflowMethod
    void run();
  }

  public static class BadUpsertImpl implements BadUpsert {
    @Override
    public void run() {
      Workflow.upsertTypedSearchAttributes(NOT_REGISTERED.valueSet("x"));
      Workflow.sleep(Duration.ofDays(1));
    }
  }

  @Test
  void upsertingAnUnregisteredAttributeFailsTheWorkflowTask() {
    sundial.worker().registerWorkflowImplementationTypes(BadUpsertImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("sa-bad-upsert");
    WorkflowClient.start(sundial.newWorkflowStub(BadUpsert.class, id)::run);
    CompatServer.await(
        Duration.ofSeconds(20), "workflow task failed",
        () -> !CompatServer.eventsOfType(sundial.history(id, null), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).isEmpty());
    HistoryEvent failed =
        CompatServer.eventsOfType(sundial.history(id, null), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED).get(0);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getCause())
        .isEqualTo(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES);
    assertThat(failed.getWorkflowTaskFailedEventAttributes().getFailure().getMessage())
        .contains("Namespace default has no mapping defined for search attribute NotRegistered");
    assertThat(
            CompatServer.eventsOfType(
                sundial.history(id, null), EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES))
        .isEmpty();
    terminate(id);
  }

  // ------------------------------------------------------------------ namespaces

  @Test
  void attributesBelongToTheirNamespace() {
    sundial
        .blockingStub()
        .registerNamespace(
            RegisterNamespaceRequest.newBuilder()
                .setNamespace("sa-other")
                .setWorkflowExecutionRetentionPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(86400))
                .build());
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .startWorkflowExecution(
                        StartWorkflowExecutionRequest.newBuilder()
                            .setNamespace("sa-other")
                            .setWorkflowId("x")
                            .setWorkflowType(WorkflowType.newBuilder().setName("W"))
                            .setTaskQueue(TaskQueue.newBuilder().setName("q"))
                            .setSearchAttributes(
                                io.temporal.api.common.v1.SearchAttributes.newBuilder()
                                    .putIndexedFields("SaKeyword", json("\"v\"")))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("Namespace sa-other has no mapping defined for search attribute SaKeyword");
    StatusRuntimeException q =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .listWorkflowExecutions(
                        ListWorkflowExecutionsRequest.newBuilder()
                            .setNamespace("sa-other")
                            .setQuery("SaKeyword = 'v'")
                            .build()));
    assertThat(q.getStatus().getDescription())
        .isEqualTo("invalid query: invalid expression: column name 'SaKeyword' is not a valid search attribute");
    assertThat(
            operator
                .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace("sa-other").build())
                .getCustomAttributesMap())
        .isEmpty();
  }

  static void expectInvalid(Runnable call, String message) {
    StatusRuntimeException e = CompatServer.expectStatus(call);
    assertThat(e.getStatus().getCode()).as(message).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains(message);
  }
}
