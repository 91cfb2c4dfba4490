package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.sdk.v1.UserMetadata;
import java.util.function.Consumer;

/** Creating runs: the first run of a start, and the next run of a retry. */
public final class WorkflowRuns {
  private WorkflowRuns() {}

  /**
   * Creates a run with WorkflowExecutionStarted, its first workflow task (or the backoff timer
   * before it) and its timeout timer, and makes it the current run.
   *
   * @param attrs started-event attributes; identity fields are filled in here
   * @param executionExpiration absolute deadline of the whole chain, 0 when unbounded; for a first
   *     run pass -1 to derive it from the execution timeout
   */
  public static MutableState create(
      ShardTxn txn,
      String namespaceId,
      String workflowId,
      String runId,
      String firstRunId,
      String requestId,
      WorkflowExecutionStartedEventAttributes.Builder attrs,
      long backoffMillis,
      long executionExpiration,
      CurrentExecution expectedCurrent) {
    return create(txn, namespaceId, workflowId, runId, firstRunId, requestId, attrs, backoffMillis,
        executionExpiration, expectedCurrent, null, null);
  }

  /**
   * As above; {@code userMetadata} (the starter's summary and details, or null) goes on the
   * started event, and {@code afterStarted} adds events right after it.
   */
  public static MutableState create(
      ShardTxn txn,
      String namespaceId,
      String workflowId,
      String runId,
      String firstRunId,
      String requestId,
      WorkflowExecutionStartedEventAttributes.Builder attrs,
      long backoffMillis,
      long executionExpiration,
      CurrentExecution expectedCurrent,
      UserMetadata userMetadata,
      Consumer<MutableState> afterStarted) {
    long now = txn.now();
    MutableState s = new MutableState();
    s.namespaceId = namespaceId;
    s.workflowId = workflowId;
    s.runId = runId;
    s.firstExecutionRunId = firstRunId;
    s.startRequestId = requestId == null ? "" : requestId;
    long execTimeout = Durations.toMillis(attrs.getWorkflowExecutionTimeout());
    if (executionExpiration < 0) {
      executionExpiration = execTimeout > 0 ? now + backoffMillis + execTimeout : 0;
    }

    attrs.setFirstExecutionRunId(firstRunId).setOriginalExecutionRunId(runId);
    if (attrs.getAttempt() == 0) {
      attrs.setAttempt(1);
    }
    if (executionExpiration > 0) {
      attrs.setWorkflowExecutionExpirationTime(MutableState.timestamp(executionExpiration));
    }
    if (backoffMillis > 0) {
      attrs.setFirstWorkflowTaskBackoff(Durations.ofMillis(backoffMillis));
    }
    HistoryEvent.Builder startedEvent =
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
            .setWorkflowExecutionStartedEventAttributes(attrs);
    if (userMetadata != null) startedEvent.setUserMetadata(userMetadata);
    HistoryEvent started = s.append(startedEvent, now, false);
    WorkflowEvents.applyStarted(s, started);
    txn.create(s);
    if (afterStarted != null) {
      afterStarted.accept(s);
    }

    if (backoffMillis > 0) {
      addTimer(txn, s, s.executionTime, TimerKind.WORKFLOW_BACKOFF);
    } else {
      WorkflowTasks.scheduleIfNone(txn, s);
    }
    long deadline = earliest(s.runExpirationTime, s.executionExpirationTime);
    if (deadline > 0) {
      addTimer(txn, s, deadline, TimerKind.WORKFLOW_TIMEOUT);
    }
    txn.setCurrent(
        new CurrentExecution(namespaceId, workflowId, runId, true, s.startRequestId),
        expectedCurrent);
    return s;
  }

  /** The first-workflow-task backoff elapsed. */
  public static void onBackoffFired(ShardTxn txn, MutableState s) {
    if (s.isRunning() && !s.workflowTask.isScheduled() && s.lastCompletedStartedEventId == 0) {
      WorkflowTasks.schedule(txn, s, 1);
    }
  }

  static long earliest(long a, long b) {
    if (a <= 0) return Math.max(b, 0);
    if (b <= 0) return a;
    return Math.min(a, b);
  }

  private static void addTimer(ShardTxn txn, MutableState s, long fireAt, TimerKind kind) {
    txn.addTimer(
        new TimerTask(
            txn.newTaskId(), txn.shardId(), fireAt, s.namespaceId, s.workflowId, s.runId, kind.code,
            new TimerRef(0, 0, 0, "").encode()));
  }
}
