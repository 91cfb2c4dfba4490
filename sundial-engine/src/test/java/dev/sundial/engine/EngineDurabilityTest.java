package dev.sundial.engine;

import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.T0;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.seconds;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Close the engine and its SQLite file, open them again, and check that the durable outbox
 * (timers and task-queue backlog) is recovered: pending work continues where it was.
 */
class EngineDurabilityTest {
  @TempDir Path dir;
  private Path file;
  private MutableClock clock;
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    file = dir.resolve("sundial.db");
    clock = new MutableClock(T0);
    h = EngineHarness.onFile(file, clock);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void restart() {
    h.close();
    h = EngineHarness.onFile(file, clock);
  }

  @Test
  void scheduledWorkflowTaskCanBePolledAfterRestart() {
    String runId = h.start("wf-d-start");
    String nsId = h.nsId;
    restart();
    assertThat(h.nsId).isEqualTo(nsId);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(wt.getStartedEventId()).isEqualTo(3);
    h.completeWorkflowTask(wt.getTaskToken(), completeWorkflow(payloads("ok")));
    assertThat(Events.types(h.history("wf-d-start", runId)))
        .endsWith(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void pendingTimerStillFiresAfterRestart() {
    String runId = h.start("wf-d-timer");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t1", 60));
    restart();

    h.advance(Duration.ofSeconds(60));
    List<HistoryEvent> events =
        h.awaitLastEvent("wf-d-timer", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_TIMER_STARTED,
        EVENT_TYPE_TIMER_FIRED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 6).getTimerFiredEventAttributes().getTimerId()).isEqualTo("t1");
    // The new workflow task is dispatched too.
    assertThat(h.pollWorkflowTask().getStartedEventId()).isEqualTo(8);
  }

  @Test
  void pendingActivityTaskCanBePolledAfterRestart() {
    String runId = h.start("wf-d-act");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(), scheduleActivity(activity("a1").setInput(payloads("x"))));
    restart();

    PollActivityTaskQueueResponse at = h.pollActivityTask();
    assertThat(at.getActivityId()).isEqualTo("a1");
    assertThat(at.getAttempt()).isEqualTo(1);
    assertThat(at.getInput()).isEqualTo(payloads("x"));
    h.completeActivity(at.getTaskToken(), payloads("y"));
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.completeWorkflowTask(wt.getTaskToken(), completeWorkflow(null));
    assertHistory(
        h.history("wf-d-act", runId),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void startedActivityCanBeCompletedAfterRestart() {
    String runId = h.start("wf-d-act-started");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    restart();
    // The token handed out before the restart is still valid, and nothing is re-dispatched.
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    h.completeActivity(at.getTaskToken(), payloads("r"));
    assertThat(Events.types(h.history("wf-d-act-started", runId)))
        .endsWith(EVENT_TYPE_ACTIVITY_TASK_STARTED, EVENT_TYPE_ACTIVITY_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  }

  @Test
  void retryBackoffSurvivesRestart() {
    String runId = h.start("wf-d-retry");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setRetryPolicy(
                    RetryPolicy.newBuilder().setInitialInterval(seconds(1)).setMaximumAttempts(2))));
    h.failActivity(
        h.pollActivityTask().getTaskToken(),
        Failure.newBuilder()
            .setMessage("first")
            .setApplicationFailureInfo(ApplicationFailureInfo.getDefaultInstance())
            .build());
    restart();

    h.advance(Duration.ofSeconds(1));
    PollActivityTaskQueueResponse a2 = h.pollActivityTask();
    assertThat(a2.getAttempt()).isEqualTo(2);
    h.completeActivity(a2.getTaskToken(), payloads("second time lucky"));
    List<HistoryEvent> events = h.history("wf-d-retry", runId);
    var started = event(events, 6).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getMessage()).isEqualTo("first");
    assertThat(event(events, 7).getEventType()).isEqualTo(EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  }

  @Test
  void startedWorkflowTaskTimesOutAfterRestart() {
    String runId = h.start("wf-d-wtt");
    h.pollWorkflowTask();
    restart();
    h.advance(Duration.ofSeconds(10));
    List<HistoryEvent> events =
        h.awaitLastEvent("wf-d-wtt", runId, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.getAttempt()).isEqualTo(2);
    assertThat(wt.getStartedEventId()).isEqualTo(6);
  }

  @Test
  void idempotentStartAndTaskIdsSurviveRestart() {
    var req = EngineHarness.startRequest("wf-d-idem").setRequestId("r-1").build();
    String runId = h.start(req).getRunId();
    restart();
    assertThat(h.start(req).getRunId()).isEqualTo(runId);
    // New outbox rows after the restart must not collide with recovered ones.
    String other = h.start("wf-d-other");
    PollWorkflowTaskQueueResponse a = h.pollWorkflowTask();
    PollWorkflowTaskQueueResponse b = h.pollWorkflowTask();
    assertThat(List.of(a.getWorkflowExecution().getRunId(), b.getWorkflowExecution().getRunId()))
        .containsExactlyInAnyOrder(runId, other);
  }

  @Test
  void bufferedEventsOfAStartedWorkflowTaskSurviveRestart() {
    String runId = h.start("wf-d-buf");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    h.signal("wf-d-buf", "while-running");
    restart();
    assertThat(h.state("wf-d-buf", runId).bufferedEvents).hasSize(1);
    h.completeWorkflowTask(wt.getTaskToken());
    List<HistoryEvent> events = h.history("wf-d-buf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(h.pollWorkflowTask().getStartedEventId()).isEqualTo(7);
  }
}
