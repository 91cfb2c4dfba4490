package dev.sundial.compat;

import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cron workflows. Temporal parses the schedule with robfig/cron's standard parser, which also
 * accepts descriptors such as {@code @every 2s}: that keeps this test fast.
 */
class CronTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final String SCHEDULE = "@every 2s";

  /**
   * Returns one more than the last completion result. The run that would return 2 fails the first
   * time (when there was no failed run before it).
   */
  @WorkflowInterface
  public interface CronCounter {
    @WorkflowMethod
    int run();
  }

  public static class CronCounterImpl implements CronCounter {
    @Override
    public int run() {
      Integer last = Workflow.getLastCompletionResult(Integer.class);
      int next = (last == null ? 0 : last) + 1;
      if (next == 2 && Workflow.getPreviousRunFailure().isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("cron run fails once", "CronFailure");
      }
      return next;
    }
  }

  private static Integer decode(Payloads payloads) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
        0, Optional.of(payloads), Integer.class, Integer.class);
  }

  /** The runs of the chain so far, following new_execution_run_id from the first run. */
  private List<String> chain(String id, String firstRun) {
    List<String> runs = new ArrayList<>();
    String run = firstRun;
    while (run != null && !run.isEmpty()) {
      runs.add(run);
      List<HistoryEvent> h = sundial.history(id, run);
      HistoryEvent last = h.get(h.size() - 1);
      switch (last.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
          run = last.getWorkflowExecutionCompletedEventAttributes().getNewExecutionRunId();
          break;
        case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
          run = last.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId();
          break;
        default:
          run = null;
      }
    }
    return runs;
  }

  private static long millis(Timestamp t) {
    return Timestamps.toMillis(t);
  }

  @Test
  void cronRunsOnScheduleCarriesResultsAndSurvivesAFailedRun() {
    sundial.worker().registerWorkflowImplementationTypes(CronCounterImpl.class);
    sundial.startWorkers();

    String id = sundial.newWorkflowId("cron");
    CronCounter wf =
        sundial
            .client()
            .newWorkflowStub(
                CronCounter.class, sundial.workflowOptions(id).setCronSchedule(SCHEDULE).build());
    String firstRun = WorkflowClient.start(wf::run).getRunId();

    // Four runs: 1, a failure, 2 (after the failure), then a fourth that has started.
    CompatServer.await(
        Duration.ofSeconds(60), "four runs of the cron workflow", () -> chain(id, firstRun).size() >= 4);
    List<String> runs = chain(id, firstRun);
    assertThat(runs).doesNotHaveDuplicates();

    List<List<HistoryEvent>> histories = new ArrayList<>();
    for (String run : runs.subList(0, 4)) {
      histories.add(sundial.history(id, run));
    }

    // Every run starts with a backoff up to the next scheduled time; its first workflow task is
    // scheduled only then.
    List<Long> firstTaskTimes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      List<HistoryEvent> h = histories.get(i);
      assertThat(h.get(0).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
      WorkflowExecutionStartedEventAttributes start =
          h.get(0).getWorkflowExecutionStartedEventAttributes();
      assertThat(start.getCronSchedule()).as("cron schedule of run #%d", i).isEqualTo(SCHEDULE);
      long backoff = Durations.toMillis(start.getFirstWorkflowTaskBackoff());
      assertThat(backoff).as("first workflow task backoff of run #%d", i).isBetween(0L, 2000L);
      if (i == 0) {
        assertThat(backoff).as("the first run waits for its schedule").isGreaterThanOrEqualTo(1000L);
      }
      if (i == 3) {
        break; // the fourth run may still be waiting for its first task
      }
      HistoryEvent firstTask =
          h.stream()
              .filter(e -> e.getEventType() == EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
              .findFirst()
              .orElseThrow();
      assertThat(firstTask.getEventId()).isEqualTo(2);
      long delay = millis(firstTask.getEventTime()) - millis(h.get(0).getEventTime());
      assertThat(delay).as("first task of run #%d after its start", i).isGreaterThanOrEqualTo(backoff - 10);
      firstTaskTimes.add(millis(firstTask.getEventTime()));
    }
    for (int i = 1; i < 3; i++) {
      // Each run fires in a later 2 s period of the schedule (they start at multiples of 2 s since
      // the epoch) than the one before. Not ">= 900 ms apart": a timer that fires late under load
      // brings the next, punctual one closer than that.
      assertThat(firstTaskTimes.get(i) / 2000)
          .as("schedule period of the first task of run #%d after run #%d's", i, i - 1)
          .isGreaterThan(firstTaskTimes.get(i - 1) / 2000);
    }

    // Run 1 completed with 1 and links to run 2.
    HistoryEvent close1 = last(histories.get(0));
    assertThat(close1.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(decode(close1.getWorkflowExecutionCompletedEventAttributes().getResult()))
        .isEqualTo(1);
    assertThat(close1.getWorkflowExecutionCompletedEventAttributes().getNewExecutionRunId())
        .isEqualTo(runs.get(1));
    WorkflowExecutionStartedEventAttributes first =
        histories.get(0).get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(first.getContinuedExecutionRunId()).isEmpty();
    assertThat(first.hasLastCompletionResult()).isFalse();

    // Run 2 was started by the schedule with the last result, and failed.
    WorkflowExecutionStartedEventAttributes start2 =
        histories.get(1).get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(start2.getInitiator())
        .isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    assertThat(start2.getContinuedExecutionRunId()).isEqualTo(runs.get(0));
    assertThat(start2.getFirstExecutionRunId()).isEqualTo(firstRun);
    assertThat(decode(start2.getLastCompletionResult())).isEqualTo(1);
    HistoryEvent close2 = last(histories.get(1));
    assertThat(close2.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    assertThat(close2.getWorkflowExecutionFailedEventAttributes().getNewExecutionRunId())
        .isEqualTo(runs.get(2));
    assertThat(sundial.describe(id, runs.get(1)).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);

    // Run 3 still runs on schedule; it carries the failure and the last successful result.
    WorkflowExecutionStartedEventAttributes start3 =
        histories.get(2).get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(start3.getInitiator())
        .isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
    assertThat(start3.getContinuedExecutionRunId()).isEqualTo(runs.get(1));
    assertThat(start3.getContinuedFailure().getMessage()).contains("cron run fails once");
    assertThat(decode(start3.getLastCompletionResult())).isEqualTo(1);
    HistoryEvent close3 = last(histories.get(2));
    assertThat(close3.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(decode(close3.getWorkflowExecutionCompletedEventAttributes().getResult()))
        .isEqualTo(2);

    // Run 4 got the result of run 3.
    WorkflowExecutionStartedEventAttributes start4 =
        histories.get(3).get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(decode(start4.getLastCompletionResult())).isEqualTo(2);
    assertThat(start4.hasContinuedFailure()).isFalse();

    // Terminating the current run stops the schedule.
    var stub = sundial.client().newUntypedWorkflowStub(id);
    stub.terminate("stop the cron");
    String current = sundial.describe(id, null).getWorkflowExecutionInfo().getExecution().getRunId();
    assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    List<HistoryEvent> terminated = sundial.history(id, current);
    assertThat(last(terminated).getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
    // No run follows within two more schedule periods.
    assertStaysTrue(
        Duration.ofSeconds(5),
        "no new run after termination",
        () -> {
          var info = sundial.describe(id, null).getWorkflowExecutionInfo();
          return info.getExecution().getRunId().equals(current)
              && info.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED;
        });
  }

  @Test
  void firstRunWaitsForTheSchedule() {
    sundial.worker().registerWorkflowImplementationTypes(CronCounterImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("cron-first");
    CronCounter wf =
        sundial
            .client()
            .newWorkflowStub(
                CronCounter.class,
                sundial.workflowOptions(id).setCronSchedule("@every 3s").build());
    long t0 = System.currentTimeMillis();
    String firstRun = WorkflowClient.start(wf::run).getRunId();
    // Before the first scheduled time, no workflow task exists.
    var info = sundial.describe(id, firstRun).getWorkflowExecutionInfo();
    assertThat(info.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(millis(info.getExecutionTime()) - millis(info.getStartTime()))
        .as("execution time - start time")
        .isBetween(2000L, 3000L);
    assertThat(sundial.history(id, firstRun)).hasSize(1);
    CompatServer.await(
        Duration.ofSeconds(30), "the first run to complete", () -> chain(id, firstRun).size() >= 2);
    assertThat(System.currentTimeMillis() - t0).isGreaterThanOrEqualTo(2000L);
    sundial.client().newUntypedWorkflowStub(id).terminate("done");
  }

  @Test
  void invalidCronScheduleIsRejected() {
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .startWorkflowExecution(
                        StartWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setWorkflowId(sundial.newWorkflowId("bad-cron"))
                            .setWorkflowType(WorkflowType.newBuilder().setName("CronCounter"))
                            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                            .setRequestId(UUID.randomUUID().toString())
                            .setCronSchedule("every now and then")
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  private static HistoryEvent last(List<HistoryEvent> history) {
    return history.get(history.size() - 1);
  }

  /** Checks that a condition holds throughout a period (the absence of an event). */
  static void assertStaysTrue(Duration period, String what, BooleanSupplier c) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() - end < 0) {
      assertThat(c.getAsBoolean()).as(what).isTrue();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
