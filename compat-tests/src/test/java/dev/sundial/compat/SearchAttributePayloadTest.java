package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Search attribute payloads come back as the client sent them, as Temporal hands them back: a
 * Keyword value set for an attribute registered as Text keeps its Keyword type in history,
 * describe, a child's start, signal-with-start and upserts, so the SDK reads the typed attribute
 * it set. Visibility still indexes the value by its registered type (Text: word matching).
 */
class SearchAttributePayloadTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Registered as Text, set by the SDK as a Keyword. */
  static final SearchAttributeKey<String> NOTES = SearchAttributeKey.forKeyword("Notes");

  @BeforeAll
  static void register() {
    OperatorServiceGrpc.newBlockingStub(sundial.stubs().getRawChannel())
        .addSearchAttributes(
            AddSearchAttributesRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .putSearchAttributes("Notes", IndexedValueType.INDEXED_VALUE_TYPE_TEXT)
                .build());
  }

  @WorkflowInterface
  public interface Noted {
    @WorkflowMethod
    String run(boolean parent);

    @SignalMethod
    void go();
  }

  public static class NotedImpl implements Noted {
    private boolean go;

    @Override
    public String run(boolean parent) {
      String mine = Workflow.getTypedSearchAttributes().get(NOTES);
      if (!parent) {
        return mine;
      }
      String child =
          Workflow.newChildWorkflowStub(
                  Noted.class,
                  ChildWorkflowOptions.newBuilder()
                      .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-child")
                      .setTypedSearchAttributes(SearchAttributes.newBuilder().set(NOTES, "child notes").build())
                      .build())
              .run(false);
      Workflow.upsertTypedSearchAttributes(NOTES.valueSet("upserted notes"));
      Workflow.await(() -> go);
      return mine + " / " + child + " / " + Workflow.getTypedSearchAttributes().get(NOTES);
    }

    @Override
    public void go() {
      go = true;
    }
  }

  /** The type the Notes payload declares. */
  private static String notesType(io.temporal.api.common.v1.SearchAttributes attributes) {
    return attributes.getIndexedFieldsOrThrow("Notes").getMetadataMap().get("type").toStringUtf8();
  }

  private static long count(String query) {
    return sundial.blockingStub()
        .countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setQuery(query)
                .build())
        .getCount();
  }

  @Test
  void aKeywordSetForATextAttributeComesBackAsAKeyword() {
    sundial.worker().registerWorkflowImplementationTypes(NotedImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("noted");
    Noted wf =
        sundial.client().newWorkflowStub(
            Noted.class,
            sundial.workflowOptions(id)
                .setTypedSearchAttributes(SearchAttributes.newBuilder().set(NOTES, "parent notes").build())
                .build());
    WorkflowClient.start(wf::run, true);
    CompatServer.await(Duration.ofSeconds(30), "the upsert", () ->
        !CompatServer.eventsOfType(
                sundial.history(id, ""), EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
            .isEmpty());

    // Visibility indexes the Keyword-typed value as the Text it is registered as.
    assertThat(count("Notes = 'upserted'")).isEqualTo(1);
    assertThat(WorkflowStub.fromTyped(wf).describe().getTypedSearchAttributes().get(NOTES))
        .isEqualTo("upserted notes");
    wf.go();
    assertThat(WorkflowStub.fromTyped(wf).getResult(String.class))
        .isEqualTo("parent notes / child notes / upserted notes");

    List<HistoryEvent> history = sundial.history(id, "");
    HistoryEvent started =
        CompatServer.eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).get(0);
    assertThat(notesType(started.getWorkflowExecutionStartedEventAttributes().getSearchAttributes()))
        .isEqualTo("Keyword");
    HistoryEvent upserted =
        CompatServer.eventsOfType(history, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).get(0);
    assertThat(notesType(upserted.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()))
        .isEqualTo("Keyword");
    HistoryEvent childStarted =
        CompatServer.eventsOfType(sundial.history(id + "-child", ""), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
            .get(0);
    assertThat(notesType(childStarted.getWorkflowExecutionStartedEventAttributes().getSearchAttributes()))
        .isEqualTo("Keyword");
    assertThat(notesType(sundial.describe(id, "").getWorkflowExecutionInfo().getSearchAttributes()))
        .isEqualTo("Keyword");
  }

  @Test
  void signalWithStartKeepsThePayload() {
    String id = sundial.newWorkflowId("noted-sws");
    Noted wf =
        sundial.client().newWorkflowStub(
            Noted.class,
            sundial.workflowOptions(id)
                .setTypedSearchAttributes(SearchAttributes.newBuilder().set(NOTES, "signalled notes").build())
                .build());
    var batch = sundial.client().newSignalWithStartRequest();
    batch.add(wf::run, false);
    batch.add(wf::go);
    sundial.client().signalWithStart(batch);
    var described = WorkflowStub.fromTyped(wf).describe();
    assertThat(described.getTypedSearchAttributes().get(NOTES)).isEqualTo("signalled notes");
    assertThat(notesType(sundial.describe(id, "").getWorkflowExecutionInfo().getSearchAttributes()))
        .isEqualTo("Keyword");
    WorkflowStub.fromTyped(wf).terminate("done");
  }
}
