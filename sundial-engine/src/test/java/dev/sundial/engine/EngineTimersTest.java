package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.worker.ActivityTaskService;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.FailWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.cancelTimer;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.T0;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.seconds;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transitions triggered by durable timers (user timers, retry backoff, activity and workflow task
 * timeouts). The clock only moves when a test advances it; the engine's timer thread then fires
 * what is due, and the test waits for the resulting history. The timer thread checks the clock
 * about once a second, so each advance costs up to a second of real time.
 */
class EngineTimersTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private static Failure appFailure(String message) {
    return Failure.newBuilder()
        .setMessage(message)
        .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("Flaky"))
        .build();
  }

  private static long millisOf(HistoryEvent e) {
    return Durations.toMillis(e.getEventTime());
  }

  // ------------------------------------------------------------------ user timers

  @Test
  void userTimerFiresWhenTheClockReachesItsFireTime() {
    String runId = h.start("wf-timer");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t1", 5));
    MutableState s = h.state("wf-timer", runId);
    assertThat(s.timers).containsOnlyKeys("t1");
    assertThat(s.timers.get("t1").fireTime).isEqualTo(T0.toEpochMilli() + 5000);
    assertThat(s.timers.get("t1").startedEventId).isEqualTo(5);

    h.advance(Duration.ofSeconds(5));
    List<HistoryEvent> events = h.awaitLastEvent("wf-timer", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_TIMER_STARTED,
        EVENT_TYPE_TIMER_FIRED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var started = event(events, 5).getTimerStartedEventAttributes();
    assertThat(started.getTimerId()).isEqualTo("t1");
    assertThat(started.getWorkflowTaskCompletedEventId()).isEqualTo(4);
    assertThat(Durations.toMillis(started.getStartToFireTimeout())).isEqualTo(5000);
    var fired = event(events, 6).getTimerFiredEventAttributes();
    assertThat(fired.getTimerId()).isEqualTo("t1");
    assertThat(fired.getStartedEventId()).isEqualTo(5);
    assertThat(millisOf(event(events, 6))).isEqualTo(T0.toEpochMilli() + 5000);
    assertThat(h.state("wf-timer", runId).timers).isEmpty();
  }

  @Test
  void timerFiringWhileWorkflowTaskRunsIsBuffered() {
    String runId = h.start("wf-timer-buf");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t1", 5));
    h.signal("wf-timer-buf", "s"); // 6, 7
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask(); // 8

    h.advance(Duration.ofSeconds(5)); // the task's own timeout (10 s) is not reached
    EngineHarness.await(
        "timer fired into the buffer",
        () -> h.state("wf-timer-buf", runId),
        s -> s.timers.isEmpty() && s.bufferedEvents.size() == 1);
    assertThat(h.history("wf-timer-buf", runId)).hasSize(8);

    h.completeWorkflowTask(wt.getTaskToken());
    List<HistoryEvent> events = h.history("wf-timer-buf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_TIMER_STARTED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_TIMER_FIRED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 10).getTimerFiredEventAttributes().getStartedEventId()).isEqualTo(5);
  }

  @Test
  void canceledTimerNeverFires() {
    String runId = h.start("wf-cancel");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t1", 10));
    h.signal("wf-cancel", "s"); // 6, 7
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(), cancelTimer("t1"), startTimer("t2", 20)); // 8..11

    List<HistoryEvent> events = h.history("wf-cancel", runId);
    assertThat(Events.types(events).subList(8, 11))
        .containsExactly(EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EVENT_TYPE_TIMER_CANCELED, EVENT_TYPE_TIMER_STARTED);
    var canceled = event(events, 10).getTimerCanceledEventAttributes();
    assertThat(canceled.getTimerId()).isEqualTo("t1");
    assertThat(canceled.getStartedEventId()).isEqualTo(5);
    assertThat(canceled.getWorkflowTaskCompletedEventId()).isEqualTo(9);
    // The durable timer row of t1 is gone.
    assertThat(h.store.loadTimers(Long.MAX_VALUE, 100))
        .filteredOn(t -> t.kind() == TimerKind.USER_TIMER.code)
        .hasSize(1);

    // Once t2 (due after t1's original time) has fired, t1's slot has certainly passed.
    h.advance(Duration.ofSeconds(20));
    events = h.awaitLastEvent("wf-cancel", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(events)
        .filteredOn(e -> e.getEventType() == EVENT_TYPE_TIMER_FIRED)
        .extracting(e -> e.getTimerFiredEventAttributes().getTimerId())
        .containsExactly("t2");
  }

  // ------------------------------------------------------------------ activity retries

  @Test
  void activityRetriesWriteNoEventsUntilTheFinalAttempt() {
    String runId = h.start("wf-retry");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setRetryPolicy(
                    RetryPolicy.newBuilder()
                        .setInitialInterval(seconds(1))
                        .setBackoffCoefficient(2)
                        .setMaximumAttempts(3))));

    PollActivityTaskQueueResponse a1 = h.pollActivityTask();
    assertThat(a1.getAttempt()).isEqualTo(1);
    h.failActivity(a1.getTaskToken(), appFailure("attempt 1"));
    assertThat(h.history("wf-retry", runId)).hasSize(5);
    var info = h.state("wf-retry", runId).activities.get(5L);
    assertThat(info.attempt).isEqualTo(2);
    assertThat(info.retryAt).isEqualTo(T0.toEpochMilli() + 1000);
    // Not dispatched before the backoff elapses.
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 100).getTaskToken()).isEmpty();

    h.advance(Duration.ofSeconds(1));
    PollActivityTaskQueueResponse a2 = h.pollActivityTask();
    assertThat(a2.getAttempt()).isEqualTo(2);
    assertThat(Durations.toMillis(a2.getCurrentAttemptScheduledTime()))
        .isEqualTo(T0.toEpochMilli() + 1000);
    assertThat(Durations.toMillis(a2.getScheduledTime())).isEqualTo(T0.toEpochMilli());
    // The old attempt's token is stale now.
    EngineException stale = engineError(() -> h.engine.activityTasks.completeActivity(
        ActivityTaskService.ActivityRef.ofToken(a1.getTaskToken()), payloads("late"), "old-worker"));
    assertThat(stale.code()).isEqualTo(EngineException.Code.NOT_FOUND);

    h.failActivity(a2.getTaskToken(), appFailure("attempt 2"));
    assertThat(h.state("wf-retry", runId).activities.get(5L).retryAt)
        .isEqualTo(T0.toEpochMilli() + 1000 + 2000);
    h.advance(Duration.ofSeconds(2));
    PollActivityTaskQueueResponse a3 = h.pollActivityTask();
    assertThat(a3.getAttempt()).isEqualTo(3);
    assertThat(h.history("wf-retry", runId)).hasSize(5);

    h.failActivity(a3.getTaskToken(), appFailure("attempt 3"));
    List<HistoryEvent> events = h.history("wf-retry", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_FAILED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var started = event(events, 6).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(5);
    assertThat(started.getAttempt()).isEqualTo(3);
    assertThat(started.getLastFailure()).isEqualTo(appFailure("attempt 2"));
    var failed = event(events, 7).getActivityTaskFailedEventAttributes();
    assertThat(failed.getScheduledEventId()).isEqualTo(5);
    assertThat(failed.getStartedEventId()).isEqualTo(6);
    assertThat(failed.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(failed.getFailure()).isEqualTo(appFailure("attempt 3"));
    assertThat(h.state("wf-retry", runId).activities).isEmpty();
  }

  @Test
  void startToCloseTimeoutIsRetriedThenTimesOut() {
    String runId = h.start("wf-stc");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setStartToCloseTimeout(seconds(10))
                .setRetryPolicy(
                    RetryPolicy.newBuilder().setInitialInterval(seconds(1)).setMaximumAttempts(2))));
    h.pollActivityTask(); // attempt 1 is never answered

    h.advance(Duration.ofSeconds(10));
    EngineHarness.await(
        "attempt 1 timed out and waits for its retry",
        () -> h.state("wf-stc", runId).activities.get(5L),
        a -> a.attempt == 2 && a.retryAt == T0.toEpochMilli() + 11_000);
    assertThat(h.history("wf-stc", runId)).hasSize(5);

    h.advance(Duration.ofSeconds(1));
    PollActivityTaskQueueResponse a2 = h.pollActivityTask();
    assertThat(a2.getAttempt()).isEqualTo(2);

    h.advance(Duration.ofSeconds(10));
    List<HistoryEvent> events = h.awaitLastEvent("wf-stc", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(Events.types(events).subList(4, 8))
        .containsExactly(
            EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_ACTIVITY_TASK_STARTED,
            EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var started = event(events, 6).getActivityTaskStartedEventAttributes();
    assertThat(started.getAttempt()).isEqualTo(2);
    assertThat(started.getLastFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    var timedOut = event(events, 7).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getScheduledEventId()).isEqualTo(5);
    assertThat(timedOut.getStartedEventId()).isEqualTo(6);
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(millisOf(event(events, 7))).isEqualTo(T0.toEpochMilli() + 21_000);
  }

  @Test
  void scheduleToStartTimeoutIsNotRetried() {
    String runId = h.start("wf-s2s");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setScheduleToStartTimeout(seconds(2))
                .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(5))));
    h.advance(Duration.ofSeconds(2));
    List<HistoryEvent> events = h.awaitLastEvent("wf-s2s", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var timedOut = event(events, 6).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getStartedEventId()).isZero();
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    // The backlog entry went with it.
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void heartbeatExtendsTheHeartbeatDeadline() {
    String runId = h.start("wf-hb");
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(),
        scheduleActivity(
            activity("a1")
                .setStartToCloseTimeout(seconds(60))
                .setHeartbeatTimeout(seconds(5))
                .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(1))));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    assertThat(Durations.toMillis(at.getHeartbeatTimeout())).isEqualTo(5000);

    h.advance(Duration.ofSeconds(3));
    boolean cancelRequested =
        EngineHarness.join(
            h.engine.activityTasks.heartbeat(ActivityTaskService.ActivityRef.ofToken(at.getTaskToken()), payloads("p1")));
    assertThat(cancelRequested).isFalse();
    long version = h.state("wf-hb", runId).dbVersion;

    // At +6 s the first heartbeat timer (+5 s) fires, sees the heartbeat at +3 s and re-arms (+8 s).
    h.advance(Duration.ofSeconds(3));
    EngineHarness.await(
        "heartbeat timer re-armed", () -> h.state("wf-hb", runId).dbVersion, v -> v > version);
    assertThat(h.history("wf-hb", runId)).hasSize(5);

    h.advance(Duration.ofSeconds(2));
    List<HistoryEvent> events = h.awaitLastEvent("wf-hb", runId, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(Events.types(events).subList(4, 8))
        .containsExactly(
            EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_ACTIVITY_TASK_STARTED,
            EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var timedOut = event(events, 7).getActivityTaskTimedOutEventAttributes();
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(timedOut.getFailure().getTimeoutFailureInfo().getLastHeartbeatDetails())
        .isEqualTo(payloads("p1"));
    assertThat(timedOut.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(millisOf(event(events, 7))).isEqualTo(T0.toEpochMilli() + 8000);
  }

  // ------------------------------------------------------------------ workflow task timeouts

  @Test
  void startedWorkflowTaskTimesOutAndIsRetried() {
    String runId = h.start("wf-wtt");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.advance(Duration.ofSeconds(10));
    List<HistoryEvent> events = h.awaitLastEvent("wf-wtt", runId, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    // The retry is a transient task: its Scheduled/Started events are not written yet.
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    var timedOut = event(events, 4).getWorkflowTaskTimedOutEventAttributes();
    assertThat(timedOut.getScheduledEventId()).isEqualTo(2);
    assertThat(timedOut.getStartedEventId()).isEqualTo(3);
    assertThat(timedOut.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);

    EngineException stale =
        engineError(
            () ->
                h.engine.workflowTasks.completeWorkflowTask(
                    RespondWorkflowTaskCompletedRequest.newBuilder()
                        .setTaskToken(wt1.getTaskToken())
                        .build()));
    assertThat(stale.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getAttempt()).isEqualTo(2);
    // The worker sees the transient task's events at the end of its history.
    assertThat(Events.types(wt2.getHistory().getEventsList()))
        .endsWith(EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED);
    assertThat(wt2.getStartedEventId()).isEqualTo(6);
    h.completeWorkflowTask(wt2.getTaskToken());
    // Completing it writes them, then the completion.
    assertThat(Events.types(h.history("wf-wtt", runId)))
        .endsWith(EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED, EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  }

  @Test
  void stickyScheduleToStartTimeoutMovesTheTaskToTheNormalQueue() {
    String runId = h.start("wf-sticky-timeout");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(wt1.getTaskToken())
            .setIdentity(EngineHarness.IDENTITY)
            .setStickyAttributes(
                StickyExecutionAttributes.newBuilder()
                    .setWorkerTaskQueue(TaskQueue.newBuilder().setName("sticky-gone"))
                    .setScheduleToStartTimeout(seconds(5)))
            .build());
    h.signal("wf-sticky-timeout", "s"); // 5 signaled, 6 scheduled on the sticky queue
    h.advance(Duration.ofSeconds(5));
    List<HistoryEvent> events =
        h.awaitHistory("wf-sticky-timeout", runId, "task moved off the sticky queue", ev -> ev.size() >= 8);
    assertThat(Events.types(events).subList(4, 8))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var timedOut = event(events, 7).getWorkflowTaskTimedOutEventAttributes();
    assertThat(timedOut.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    assertThat(timedOut.getScheduledEventId()).isEqualTo(6);
    var rescheduled = event(events, 8).getWorkflowTaskScheduledEventAttributes();
    assertThat(rescheduled.getTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);
    assertThat(rescheduled.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    assertThat(rescheduled.getAttempt()).isEqualTo(1);

    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getStartedEventId()).isEqualTo(9);
    assertThat(wt2.getHistory().getEvents(0).getEventId()).isEqualTo(1); // full history
    assertThat(h.pollWorkflowTask("sticky-gone", 100).getTaskToken()).isEmpty();
  }

  // ------------------------------------------------------------------ workflow-level timers

  @Test
  void runTimeoutClosesTheRunAndDropsItsWorkflowTask() {
    String runId =
        h.start(EngineHarness.startRequest("wf-run-timeout").setWorkflowRunTimeout(seconds(30)).build())
            .getRunId();
    List<HistoryEvent> first = h.history("wf-run-timeout", runId);
    // The workflow task timeout never exceeds the run timeout.
    assertThat(Durations.toMillis(event(first, 1).getWorkflowExecutionStartedEventAttributes().getWorkflowTaskTimeout()))
        .isEqualTo(10_000);

    h.advance(Duration.ofSeconds(30));
    List<HistoryEvent> events =
        h.awaitLastEvent("wf-run-timeout", runId, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
    assertThat(event(events, 3).getWorkflowExecutionTimedOutEventAttributes().getRetryState())
        .isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(h.state("wf-run-timeout", runId).status)
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT);
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void failedWorkflowWithRetryPolicyContinuesInANewRunAfterBackoff() {
    String run1 =
        h.start(
                EngineHarness.startRequest("wf-wf-retry")
                    .setRetryPolicy(
                        RetryPolicy.newBuilder().setInitialInterval(seconds(1)).setMaximumAttempts(2))
                    .build())
            .getRunId();
    Failure boom = appFailure("workflow failed");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), failWorkflow(boom));

    List<HistoryEvent> events1 = h.history("wf-wf-retry", run1);
    assertThat(Events.types(events1)).endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
    var failed1 = event(events1, 5).getWorkflowExecutionFailedEventAttributes();
    assertThat(failed1.getRetryState()).isEqualTo(RetryState.RETRY_STATE_IN_PROGRESS);
    assertThat(failed1.getWorkflowTaskCompletedEventId()).isEqualTo(4);
    assertThat(failed1.getFailure()).isEqualTo(boom);
    String run2 = failed1.getNewExecutionRunId();
    assertThat(run2).isNotEmpty().isNotEqualTo(run1);
    assertThat(h.state("wf-wf-retry", "").runId).isEqualTo(run2);

    List<HistoryEvent> events2 = h.history("wf-wf-retry", run2);
    assertHistory(events2, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    var started2 = event(events2, 1).getWorkflowExecutionStartedEventAttributes();
    assertThat(started2.getAttempt()).isEqualTo(2);
    assertThat(started2.getContinuedExecutionRunId()).isEqualTo(run1);
    assertThat(started2.getFirstExecutionRunId()).isEqualTo(run1);
    assertThat(started2.getOriginalExecutionRunId()).isEqualTo(run2);
    assertThat(started2.getInitiator())
        .isEqualTo(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY);
    assertThat(started2.getContinuedFailure()).isEqualTo(boom);
    assertThat(Durations.toMillis(started2.getFirstWorkflowTaskBackoff())).isEqualTo(1000);
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 100).getTaskToken()).isEmpty();

    h.advance(Duration.ofSeconds(1));
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.getWorkflowExecution().getRunId()).isEqualTo(run2);
    h.completeWorkflowTask(wt.getTaskToken(), failWorkflow(boom));
    var failed2 =
        event(h.history("wf-wf-retry", run2), 5).getWorkflowExecutionFailedEventAttributes();
    assertThat(failed2.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(failed2.getNewExecutionRunId()).isEmpty();
    assertThat(h.state("wf-wf-retry", "").isRunning()).isFalse();
  }

  private static Command failWorkflow(Failure f) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION)
        .setFailWorkflowExecutionCommandAttributes(
            FailWorkflowExecutionCommandAttributes.newBuilder().setFailure(f))
        .build();
  }
}
