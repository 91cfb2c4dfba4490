package dev.sundial.compat;

import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GetWorkflowExecutionHistory pages through a long history without losing or repeating events. */
class HistoryPagingTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final int ACTIVITIES = 30;

  @ActivityInterface
  public interface Counter {
    int next(int i);
  }

  public static class CounterImpl implements Counter {
    @Override
    public int next(int i) {
      return i + 1;
    }
  }

  @WorkflowInterface
  public interface ManyStepsWorkflow {
    @WorkflowMethod
    int run(int steps);
  }

  public static class ManyStepsWorkflowImpl implements ManyStepsWorkflow {
    private final Counter counter =
        Workflow.newActivityStub(
            Counter.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

    @Override
    public int run(int steps) {
      int v = 0;
      for (int i = 0; i < steps; i++) {
        v = counter.next(v);
      }
      return v;
    }
  }

  @Test
  void historyPagesConcatenateToTheFullHistory() {
    sundial.worker().registerWorkflowImplementationTypes(ManyStepsWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new CounterImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("paging");
    ManyStepsWorkflow wf = sundial.newWorkflowStub(ManyStepsWorkflow.class, id);
    assertThat(wf.run(ACTIVITIES)).isEqualTo(ACTIVITIES);

    List<HistoryEvent> paged = new ArrayList<>();
    int pages = 0;
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse page =
          sundial
              .blockingStub()
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(CompatServer.NAMESPACE)
                      .setExecution(CompatServer.execution(id, null))
                      .setMaximumPageSize(10)
                      .setNextPageToken(token)
                      .build());
      pages++;
      assertThat(pages).as("number of pages").isLessThan(1000);
      paged.addAll(page.getHistory().getEventsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    // Workflow start, then for each activity: WFT scheduled/started/completed and activity
    // scheduled/started/completed; then the final WFT and the completion.
    int expectedEvents = 1 + 6 * ACTIVITIES + 4;
    assertThat(paged).hasSize(expectedEvents);
    assertThat(pages)
        .as("pages of at most 10 requested over %d events", expectedEvents)
        .isGreaterThanOrEqualTo(3);
    for (int i = 0; i < paged.size(); i++) {
      assertThat(paged.get(i).getEventId()).as("event id at position %d", i).isEqualTo(i + 1);
    }
    assertThat(paged.get(0).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(paged.get(paged.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    // Same events as the history read with the server's default page size, and as the SDK sees.
    assertThat(paged).isEqualTo(sundial.history(id, null));
    assertThat(paged).isEqualTo(sundial.client().fetchHistory(id).getHistory().getEventsList());
  }
}
