package dev.sundial.engine;

import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static dev.sundial.engine.EngineHarness.engineError;
import static dev.sundial.engine.EngineHarness.payloads;
import static dev.sundial.engine.EngineHarness.seconds;
import static dev.sundial.engine.Events.assertHistory;
import static dev.sundial.engine.Events.event;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transitions driven through the Engine's public operations with a fixed clock (nothing here
 * depends on timers firing): event sequences, activity round trips, buffering, sticky queues,
 * history paging. Failures of workflow tasks, start semantics and activity cancellation have
 * their own classes.
 */
class EngineWorkflowTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  // ------------------------------------------------------------------ start and first task

  @Test
  void startWritesStartedAndScheduledThenPollStartsTheTask() {
    String runId = h.start("wf-start");

    List<HistoryEvent> events = h.history("wf-start", runId);
    assertHistory(events, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var started = event(events, 1).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getWorkflowType().getName()).isEqualTo("TestWorkflow");
    assertThat(started.getTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getFirstExecutionRunId()).isEqualTo(runId);
    assertThat(started.getOriginalExecutionRunId()).isEqualTo(runId);
    assertThat(Durations.toMillis(started.getWorkflowTaskTimeout())).isEqualTo(10_000);
    assertThat(event(events, 1).getEventTime().getSeconds())
        .isEqualTo(EngineHarness.T0.getEpochSecond());
    var scheduled = event(events, 2).getWorkflowTaskScheduledEventAttributes();
    assertThat(scheduled.getAttempt()).isEqualTo(1);
    assertThat(scheduled.getTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);
    assertThat(scheduled.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    assertThat(Durations.toMillis(scheduled.getStartToCloseTimeout())).isEqualTo(10_000);

    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.getWorkflowExecution().getWorkflowId()).isEqualTo("wf-start");
    assertThat(task.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(task.getWorkflowType().getName()).isEqualTo("TestWorkflow");
    assertThat(task.getAttempt()).isEqualTo(1);
    assertThat(task.getPreviousStartedEventId()).isZero();
    assertThat(task.getStartedEventId()).isEqualTo(3);
    assertHistory(
        task.getHistory().getEventsList(),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED);
    var wtStarted = task.getHistory().getEvents(2).getWorkflowTaskStartedEventAttributes();
    assertThat(wtStarted.getScheduledEventId()).isEqualTo(2);
    assertThat(wtStarted.getIdentity()).isEqualTo(EngineHarness.IDENTITY);

    assertThat(h.history("wf-start", runId)).isEqualTo(task.getHistory().getEventsList());
    // Only one poller gets the task.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void activityRoundTripThenCompletion() {
    String runId = h.start("wf-act");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.completeWorkflowTask(wt1.getTaskToken(), scheduleActivity(activity("a1").setInput(payloads("in"))));

    PollActivityTaskQueueResponse at = h.pollActivityTask();
    assertThat(at.getActivityId()).isEqualTo("a1");
    assertThat(at.getActivityType().getName()).isEqualTo("TestActivity");
    assertThat(at.getAttempt()).isEqualTo(1);
    assertThat(at.getInput()).isEqualTo(payloads("in"));
    assertThat(at.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(at.getWorkflowNamespace()).isEqualTo("default");
    assertThat(Durations.toMillis(at.getStartToCloseTimeout())).isEqualTo(30_000);
    // Unset retry policy fields get Temporal's defaults.
    assertThat(Durations.toMillis(at.getRetryPolicy().getInitialInterval())).isEqualTo(1000);
    assertThat(at.getRetryPolicy().getBackoffCoefficient()).isEqualTo(2.0);
    assertThat(Durations.toMillis(at.getRetryPolicy().getMaximumInterval())).isEqualTo(100_000);
    // The started event is not written while the attempt runs.
    assertThat(h.history("wf-act", runId)).hasSize(5);

    h.completeActivity(at.getTaskToken(), payloads("out"));
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(9);
    h.completeWorkflowTask(wt2.getTaskToken(), completeWorkflow(payloads("done")));

    List<HistoryEvent> events = h.history("wf-act", runId);
    assertHistory(
        events,
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
    var completed4 = event(events, 4).getWorkflowTaskCompletedEventAttributes();
    assertThat(completed4.getScheduledEventId()).isEqualTo(2);
    assertThat(completed4.getStartedEventId()).isEqualTo(3);
    var scheduled = event(events, 5).getActivityTaskScheduledEventAttributes();
    assertThat(scheduled.getWorkflowTaskCompletedEventId()).isEqualTo(4);
    assertThat(scheduled.getActivityId()).isEqualTo("a1");
    var started = event(events, 6).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(5);
    assertThat(started.getAttempt()).isEqualTo(1);
    assertThat(started.getIdentity()).isEqualTo(EngineHarness.IDENTITY);
    assertThat(started.hasLastFailure()).isFalse();
    var done = event(events, 7).getActivityTaskCompletedEventAttributes();
    assertThat(done.getScheduledEventId()).isEqualTo(5);
    assertThat(done.getStartedEventId()).isEqualTo(6);
    assertThat(done.getResult()).isEqualTo(payloads("out"));
    assertThat(event(events, 8).getWorkflowTaskScheduledEventAttributes().getAttempt()).isEqualTo(1);
    var wfDone = event(events, 11).getWorkflowExecutionCompletedEventAttributes();
    assertThat(wfDone.getWorkflowTaskCompletedEventId()).isEqualTo(10);
    assertThat(wfDone.getResult()).isEqualTo(payloads("done"));

    MutableState s = h.state("wf-act", runId);
    assertThat(s.status).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(s.completionEventId).isEqualTo(11);
    assertThat(s.activities).isEmpty();

    // A response for the closed run is NOT_FOUND.
    EngineException e = engineError(() -> h.engine.workflowTasks.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder().setTaskToken(wt2.getTaskToken()).build()));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void closeEventLongPollReturnsTheCompletion() {
    String runId = h.start("wf-close");
    var closeReq =
        GetWorkflowExecutionHistoryRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-close"))
            .setWaitNewEvent(true)
            .setHistoryEventFilterType(
                HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
            .build();
    var pending = h.engine.history.getHistory(h.nsId, closeReq, 10_000);
    assertThat(pending).isNotDone();
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), completeWorkflow(payloads("r")));
    GetWorkflowExecutionHistoryResponse r = EngineHarness.join(pending);
    assertThat(r.getHistory().getEventsList()).hasSize(1);
    HistoryEvent close = r.getHistory().getEvents(0);
    assertThat(close.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(close.getEventId()).isEqualTo(5);
    assertThat(h.state("wf-close", runId).isRunning()).isFalse();
  }

  // ------------------------------------------------------------------ buffering

  @Test
  void activityCompletionWhileWorkflowTaskStartedIsBufferedAndFixedUp() {
    String runId = h.start("wf-buf");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    h.signal("wf-buf", "wake"); // 6 signaled, 7 WT scheduled
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask(); // 8 started
    assertThat(wt2.getStartedEventId()).isEqualTo(8);

    h.completeActivity(at.getTaskToken(), payloads("r"));
    // Nothing reaches history while the workflow task runs; both events wait in the buffer.
    assertThat(h.history("wf-buf", runId)).hasSize(8);
    MutableState mid = h.state("wf-buf", runId);
    assertThat(mid.bufferedEvents)
        .extracting(HistoryEvent::getEventType)
        .containsExactly(EVENT_TYPE_ACTIVITY_TASK_STARTED, EVENT_TYPE_ACTIVITY_TASK_COMPLETED);

    h.completeWorkflowTask(wt2.getTaskToken());
    List<HistoryEvent> events = h.history("wf-buf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(event(events, 10).getActivityTaskStartedEventAttributes().getScheduledEventId())
        .isEqualTo(5);
    var done = event(events, 11).getActivityTaskCompletedEventAttributes();
    assertThat(done.getScheduledEventId()).isEqualTo(5);
    assertThat(done.getStartedEventId()).isEqualTo(10);
    assertThat(h.state("wf-buf", runId).bufferedEvents).isEmpty();

    // The next task shows the flushed events after the last completed one.
    PollWorkflowTaskQueueResponse wt3 = h.pollWorkflowTask();
    assertThat(wt3.getPreviousStartedEventId()).isEqualTo(8);
    assertThat(wt3.getStartedEventId()).isEqualTo(13);
  }

  @Test
  void activityCompletionWhileWorkflowTaskOnlyScheduledGoesStraightToHistory() {
    String runId = h.start("wf-nobuf");
    h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), scheduleActivity("a1"));
    PollActivityTaskQueueResponse at = h.pollActivityTask();
    h.signal("wf-nobuf", "wake"); // 6, 7
    h.completeActivity(at.getTaskToken(), payloads("r")); // 8, 9 — no second WT scheduled
    List<HistoryEvent> events = h.history("wf-nobuf", runId);
    assertHistory(
        events,
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_ACTIVITY_TASK_STARTED,
        EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(event(events, 9).getActivityTaskCompletedEventAttributes().getStartedEventId())
        .isEqualTo(8);
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(wt2.getStartedEventId()).isEqualTo(10);
    assertThat(wt2.getHistory().getEventsList()).hasSize(10);
  }

  @Test
  void stickyQueueGetsTheNextTaskWithPartialHistory() {
    String runId = h.start("wf-sticky");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    h.completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(wt1.getTaskToken())
            .setIdentity(EngineHarness.IDENTITY)
            .addCommands(startTimer("t", 3600))
            .setStickyAttributes(
                StickyExecutionAttributes.newBuilder()
                    .setWorkerTaskQueue(TaskQueue.newBuilder().setName("sticky-1"))
                    .setScheduleToStartTimeout(seconds(5)))
            .build());
    h.signal("wf-sticky", "s"); // 6 signaled, 7 scheduled on the sticky queue

    List<HistoryEvent> events = h.history("wf-sticky", runId);
    var sched = event(events, 7).getWorkflowTaskScheduledEventAttributes();
    assertThat(sched.getTaskQueue().getName()).isEqualTo("sticky-1");
    assertThat(sched.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_STICKY);
    assertThat(sched.getTaskQueue().getNormalName()).isEqualTo(EngineHarness.TASK_QUEUE);

    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask("sticky-1");
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(8);
    assertThat(wt2.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventId)
        .containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(wt2.getWorkflowExecutionTaskQueue().getName()).isEqualTo(EngineHarness.TASK_QUEUE);

    // Completing without sticky attributes turns stickiness off again.
    h.completeWorkflowTask(wt2.getTaskToken());
    h.signal("wf-sticky", "s2");
    assertThat(h.pollWorkflowTask().getHistory().getEvents(0).getEventId()).isEqualTo(1);
  }

  @Test
  void historyPagesCoverEverythingOnce() {
    String runId = h.start("wf-pages");
    for (int i = 0; i < 4; i++) {
      h.completeWorkflowTask(h.pollWorkflowTask().getTaskToken(), startTimer("t" + i, 3600));
      h.signal("wf-pages", "s" + i);
    }
    List<HistoryEvent> all = h.history("wf-pages", runId);
    assertThat(all).hasSizeGreaterThan(15);

    List<HistoryEvent> paged = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    int pages = 0;
    do {
      GetWorkflowExecutionHistoryResponse r =
          EngineHarness.join(
              h.engine.history.getHistory(
                  h.nsId,
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-pages"))
                      .setMaximumPageSize(3)
                      .setNextPageToken(token)
                      .build(),
                  0));
      assertThat(r.getHistory().getEventsList()).isNotEmpty();
      paged.addAll(r.getHistory().getEventsList());
      token = r.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 100);
    assertThat(pages).isGreaterThan(1);
    assertThat(paged).isEqualTo(all);

    EngineException bad =
        engineError(
            () ->
                h.engine.history.getHistory(
                    h.nsId,
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId("wf-pages"))
                        .setNextPageToken(ByteString.copyFromUtf8("bogus"))
                        .build(),
                    0));
    assertThat(bad.code()).isEqualTo(EngineException.Code.INVALID_ARGUMENT);
  }

  @Test
  void returnNewWorkflowTaskHandsTheNextTaskBackInTheResponse() {
    String runId = h.start("wf-eager");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    var resp =
        h.completeWorkflowTask(
            RespondWorkflowTaskCompletedRequest.newBuilder()
                .setTaskToken(wt1.getTaskToken())
                .setIdentity(EngineHarness.IDENTITY)
                .setForceCreateNewWorkflowTask(true)
                .setReturnNewWorkflowTask(true)
                .build());
    assertThat(resp.hasWorkflowTask()).isTrue();
    PollWorkflowTaskQueueResponse wt2 = resp.getWorkflowTask();
    assertThat(wt2.getTaskToken()).isNotEmpty();
    assertThat(wt2.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(wt2.getStartedEventId()).isEqualTo(6);
    assertThat(wt2.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventType)
        .containsExactly(
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EVENT_TYPE_WORKFLOW_TASK_STARTED);
    assertThat(wt2.getHistory().getEvents(0).getEventId()).isEqualTo(4);
    assertHistory(
        h.history("wf-eager", runId),
        EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED,
        EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EVENT_TYPE_WORKFLOW_TASK_STARTED);
    // It is not also dispatched through the queue.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    h.completeWorkflowTask(wt2.getTaskToken(), completeWorkflow(null));
    assertThat(h.state("wf-eager", runId).isRunning()).isFalse();
  }
}
