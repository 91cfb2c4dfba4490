package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workflow-level failures, retries and timeouts. */
class WorkflowFailureTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Attempt numbers seen by RetryingWorkflow runs (a set: a replay may run the body again). */
  static final Set<Integer> ATTEMPTS = ConcurrentHashMap.newKeySet();

  @WorkflowInterface
  public interface FailingWorkflow {
    @WorkflowMethod
    String run(String reason);
  }

  public static class FailingWorkflowImpl implements FailingWorkflow {
    @Override
    public String run(String reason) {
      throw ApplicationFailure.newFailure("workflow failed: " + reason, "PurposeError", "detail-1");
    }
  }

  @WorkflowInterface
  public interface RetryingWorkflow {
    @WorkflowMethod
    String run(int succeedOnAttempt);
  }

  public static class RetryingWorkflowImpl implements RetryingWorkflow {
    @Override
    public String run(int succeedOnAttempt) {
      int attempt = Workflow.getInfo().getAttempt();
      ATTEMPTS.add(attempt);
      if (attempt < succeedOnAttempt) {
        throw ApplicationFailure.newFailure("failing attempt " + attempt, "RetryMe");
      }
      return "succeeded on attempt " + attempt;
    }
  }

  @WorkflowInterface
  public interface SleepyWorkflow {
    @WorkflowMethod
    String run();
  }

  public static class SleepyWorkflowImpl implements SleepyWorkflow {
    @Override
    public String run() {
      Workflow.sleep(Duration.ofMinutes(1));
      return "woke up";
    }
  }

  @Test
  void workflowFailure() {
    sundial.worker().registerWorkflowImplementationTypes(FailingWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("fail");
    FailingWorkflow wf = sundial.newWorkflowStub(FailingWorkflow.class, id);
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> wf.run("on purpose"));

    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertThat(cause.getType()).isEqualTo("PurposeError");
    assertThat(cause.getOriginalMessage()).isEqualTo("workflow failed: on purpose");
    assertThat(cause.getDetails().get(String.class)).isEqualTo("detail-1");
    assertThat(e.getRetryState()).isEqualTo(RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET);
    assertThat(e.getExecution().getWorkflowId()).isEqualTo(id);

    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    List<HistoryEvent> history = sundial.history(id, null);
    HistoryEvent last = history.get(history.size() - 1);
    assertThat(last.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(last.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage())
        .isEqualTo("workflow failed: on purpose");
  }

  @Test
  void workflowRetry() throws Exception {
    ATTEMPTS.clear();
    sundial.worker().registerWorkflowImplementationTypes(RetryingWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("wf-retry");
    RetryingWorkflow wf =
        sundial
            .client()
            .newWorkflowStub(
                RetryingWorkflow.class,
                sundial
                    .workflowOptions(id)
                    .setRetryOptions(
                        RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofSeconds(1))
                            .setBackoffCoefficient(1.0)
                            .setMaximumAttempts(5)
                            .build())
                    .build());
    long start = System.nanoTime();
    String firstRunId = WorkflowClient.start(wf::run, 3).getRunId();
    String result = WorkflowStub.fromTyped(wf).getResult(60, TimeUnit.SECONDS, String.class);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(result).isEqualTo("succeeded on attempt 3");
    assertThat(ATTEMPTS).containsExactlyInAnyOrder(1, 2, 3);
    // Two 1 s back-offs; the client learns the outcome as soon as the last run completes.
    assertThat(elapsedMillis).as("time until getResult returned").isBetween(2000L, 20_000L);

    // The SDK waits for the outcome with a long poll bound to the workflow id alone (no run id),
    // so it sees whichever run is current. Asked for the first run explicitly, the server answers
    // with that run's own close event, which points at its retry.
    GetWorkflowExecutionHistoryResponse closePoll =
        sundial
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(CompatServer.NAMESPACE)
                    .setExecution(CompatServer.execution(id, firstRunId))
                    .setWaitNewEvent(true)
                    .setHistoryEventFilterType(HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
                    .build());
    assertThat(closePoll.getHistory().getEventsList()).hasSize(1);
    HistoryEvent polledClose = closePoll.getHistory().getEvents(0);
    assertThat(polledClose.getEventType())
        .as("close event of the first run, long-polled")
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(polledClose.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId())
        .isNotEmpty()
        .isNotEqualTo(firstRunId);

    // The first run closed as failed and points at its retry.
    List<HistoryEvent> firstRun = sundial.history(id, firstRunId);
    HistoryEvent firstClose = firstRun.get(firstRun.size() - 1);
    assertThat(firstClose.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    String secondRunId =
        firstClose.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId();
    assertThat(secondRunId).isNotEmpty().isNotEqualTo(firstRunId);

    // The current run is the third attempt of the same chain, and it completed.
    var current = sundial.describe(id, null).getWorkflowExecutionInfo();
    assertThat(current.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    String lastRunId = current.getExecution().getRunId();
    assertThat(lastRunId).isNotEqualTo(firstRunId).isNotEqualTo(secondRunId);
    List<HistoryEvent> lastRun = sundial.history(id, lastRunId);
    var started = lastRun.get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(lastRun.get(0).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getFirstExecutionRunId()).isEqualTo(firstRunId);
    assertThat(lastRun.get(lastRun.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void workflowExecutionTimeout() {
    sundial.worker().registerWorkflowImplementationTypes(SleepyWorkflowImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("wf-timeout");
    SleepyWorkflow wf =
        sundial
            .client()
            .newWorkflowStub(
                SleepyWorkflow.class,
                sundial
                    .workflowOptions(id)
                    .setWorkflowExecutionTimeout(Duration.ofSeconds(1))
                    .build());
    long start = System.nanoTime();
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, wf::run);
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(e.getCause()).isInstanceOf(TimeoutFailure.class);
    assertThat(((TimeoutFailure) e.getCause()).getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(elapsedMillis).isBetween(1000L, 30_000L);
    // The execution deadline has passed, so there is nothing left to retry.
    assertThat(e.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);

    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    assertThat(eventsOfType(history, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).isEmpty();
  }
}
