package dev.sundial.engine;

import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.EngineHarness.payloads;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Eager execution: tasks started in the write that creates them and handed back in the response
 * (activities with a workflow task's completion, the first workflow task with the start), so
 * they skip the queue, a poll and a write.
 */
class EngineEagerExecutionTest {
  private EngineHarness h;

  @BeforeEach
  void setUp() {
    h = EngineHarness.inMemory();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void eagerActivitiesStartWithTheWorkflowTaskCompletionAndSkipTheQueue() {
    String runId = h.start("wf-eager");
    PollWorkflowTaskQueueResponse wt1 = h.pollWorkflowTask();
    var other = activity("other").setTaskQueue(
        TaskQueue.newBuilder().setName("elsewhere"));
    RespondWorkflowTaskCompletedResponse r =
        h.completeWorkflowTask(
            wt1.getTaskToken(),
            scheduleActivity(activity("a1").setInput(payloads("in")).setRequestEagerExecution(true)),
            scheduleActivity(activity("a2")),
            // Another task queue is never run eagerly, even when asked.
            scheduleActivity(other.setRequestEagerExecution(true)));

    assertThat(r.getActivityTasksList()).hasSize(1);
    PollActivityTaskQueueResponse eager = r.getActivityTasks(0);
    assertThat(eager.getActivityId()).isEqualTo("a1");
    assertThat(eager.getInput()).isEqualTo(payloads("in"));
    assertThat(eager.getAttempt()).isEqualTo(1);
    assertThat(eager.getWorkflowExecution().getRunId()).isEqualTo(runId);
    // Only the activity that was not asked for eagerly is in the queue.
    PollActivityTaskQueueResponse queued = h.pollActivityTask();
    assertThat(queued.getActivityId()).isEqualTo("a2");
    assertThat(h.pollActivityTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();

    // The eager task's token works like a polled one.
    h.completeActivity(eager.getTaskToken(), payloads("out"));
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    assertThat(h.history("wf-eager", runId))
        .extracting(HistoryEvent::getEventType)
        .contains(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(wt2.getTaskToken()).isNotEmpty();
  }

  @Test
  void eagerStartHandsBackTheFirstWorkflowTaskAndSkipsTheQueue() {
    StartWorkflowExecutionRequest eagerStart =
        EngineHarness.startRequest("wf-eager-start").setRequestEagerExecution(true).build();
    StartWorkflowExecutionResponse r = h.start(eagerStart);
    assertThat(r.getStarted()).isTrue();
    assertThat(r.hasEagerWorkflowTask()).isTrue();
    PollWorkflowTaskQueueResponse wt = r.getEagerWorkflowTask();
    assertThat(wt.getWorkflowExecution().getRunId()).isEqualTo(r.getRunId());
    assertThat(wt.getWorkflowType().getName()).isEqualTo("TestWorkflow");
    assertThat(wt.getStartedEventId()).isEqualTo(3);
    assertThat(wt.getAttempt()).isEqualTo(1);
    assertThat(wt.getHistory().getEventsList())
        .extracting(HistoryEvent::getEventType)
        .containsExactly(
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    // Started by the starting client, in the start's write; nothing waits in the queue.
    assertThat(h.history("wf-eager-start", r.getRunId()).get(2)
            .getWorkflowTaskStartedEventAttributes().getIdentity())
        .isEqualTo("test-client");
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
    // A retried start (same request id) answers as the first did, without another task.
    StartWorkflowExecutionResponse retried = h.start(eagerStart);
    assertThat(retried.getRunId()).isEqualTo(r.getRunId());
    assertThat(retried.hasEagerWorkflowTask()).isFalse();

    // The eager task's token completes the workflow like a polled one.
    h.completeWorkflowTask(wt.getTaskToken(), completeWorkflow(payloads("done")));
    assertThat(h.history("wf-eager-start", r.getRunId()))
        .extracting(HistoryEvent::getEventType)
        .endsWith(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    // No task to hand back with a start delay, nor for a start that joins a running run.
    StartWorkflowExecutionRequest delayed =
        EngineHarness.startRequest("wf-eager-delayed").setRequestEagerExecution(true)
            .setWorkflowStartDelay(Duration.newBuilder().setSeconds(60))
            .build();
    assertThat(h.start(delayed).hasEagerWorkflowTask()).as("start delay").isFalse();
    StartWorkflowExecutionResponse joined = h.start(EngineHarness.startRequest("wf-eager-delayed")
        .setRequestEagerExecution(true)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build());
    assertThat(joined.getStarted()).isFalse();
    assertThat(joined.hasEagerWorkflowTask()).as("joined an existing run").isFalse();
  }
}
