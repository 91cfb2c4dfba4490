package dev.sundial.cli.workflow;

import com.google.protobuf.ByteString;
import dev.sundial.cli.client.Client;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reading a run's history: all of it, or following it as it grows until the run closes. */
final class Histories {
  /** A long poll for new events lasts up to a minute on the server; a little more here. */
  private static final Duration LONG_POLL = Duration.ofSeconds(70);

  private Histories() {}

  static List<HistoryEvent> all(Client client, WorkflowExecution execution) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      var r = client.workflow().getWorkflowExecutionHistory(request(client, execution, token, false));
      events.addAll(r.getHistory().getEventsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }

  /**
   * Every event of the run, as it is written, until its close event (given too), then returns
   * it. Returns null if the command's timeout passes first.
   */
  static HistoryEvent follow(Client client, WorkflowExecution execution, Consumer<HistoryEvent> each) {
    ByteString token = ByteString.EMPTY;
    while (!client.expired()) {
      var r = client.workflow(LONG_POLL)
          .getWorkflowExecutionHistory(request(client, execution, token, true));
      for (HistoryEvent e : r.getHistory().getEventsList()) {
        each.accept(e);
        if (isClose(e.getEventType())) {
          return e;
        }
      }
      token = r.getNextPageToken();
    }
    return null;
  }

  /**
   * The run's close event, following continue-as-new and retries to the run that finally
   * closes (as the SDK's result does); {@code runs} gets each run id in turn.
   */
  static HistoryEvent closeFollowingRuns(Client client, String workflowId, String runId,
      Consumer<String> runs, Consumer<HistoryEvent> each) {
    String current = runId;
    while (true) {
      WorkflowExecution.Builder ex = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
      if (current != null) ex.setRunId(current);
      HistoryEvent close = follow(client, ex.build(), each);
      if (close == null) return null;
      String next = nextRun(close);
      if (next.isEmpty()) return close;
      current = next;
      runs.accept(next);
    }
  }

  private static String nextRun(HistoryEvent e) {
    return switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
          e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
          e.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId();
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
          e.getWorkflowExecutionTimedOutEventAttributes().getNewExecutionRunId();
      default -> "";
    };
  }

  static boolean isClose(EventType t) {
    return switch (t) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
          EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
          EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> true;
      default -> false;
    };
  }

  private static GetWorkflowExecutionHistoryRequest request(Client client, WorkflowExecution execution,
      ByteString token, boolean wait) {
    return GetWorkflowExecutionHistoryRequest.newBuilder()
        .setNamespace(client.namespace())
        .setExecution(execution)
        .setNextPageToken(token)
        .setWaitNewEvent(wait)
        .setHistoryEventFilterType(HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
        .build();
  }
}
