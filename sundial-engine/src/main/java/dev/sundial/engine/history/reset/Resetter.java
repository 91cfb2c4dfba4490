package dev.sundial.engine.history.reset;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.activity.ActivityEvents;
import dev.sundial.engine.history.replay.HistoryReplay;
import dev.sundial.engine.history.workflow.Transfers;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.TimerInfo;
import dev.sundial.engine.state.WorkflowTaskEvents;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.UpdateAdmittedEventOrigin;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ResetWorkflowFailureInfo;
import io.temporal.api.history.v1.ActivityTaskFailedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionUpdateAdmittedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * ResetWorkflowExecution as a transition (after Temporal's workflow resetter): the current run is
 * terminated if it is running, and a new run is created whose history is the base run's events up
 * to the workflow task that the reset point finishes (scheduled, started), then that task failed
 * with cause RESET_WORKFLOW (naming the base and the new run), then the signals (and updates) the
 * base run and the runs it continued as received after the reset point, then a new workflow task.
 * Its state is rebuilt from those events; activities pending at the reset point are dispatched
 * again (a started one fails with a reset failure), timers keep their fire times, pending external
 * signals and cancels are sent again. The new run becomes the current run of the workflow id.
 */
public final class Resetter {
  /** The identity Temporal writes on events the reset adds. */
  public static final String HISTORY_SERVICE = "history-service";

  private Resetter() {}

  /** What to reset and how. */
  public record Request(
      long finishEventId, String reason, String requestId, boolean reapplySignals,
      boolean reapplyUpdates) {}

  /** One run of the chain from the base run on, with its committed events. */
  public record RunEvents(MutableState run, List<HistoryEvent> events) {}

  /** Temporal's bounds on the reset point: (1, next event id). */
  public static void checkFinishEventId(MutableState base, long finishEventId) {
    if (finishEventId <= 1 || finishEventId >= base.nextEventId) {
      throw EngineException.invalidArgument(
          "Workflow task finish ID must be > 1 && <= workflow last event ID.");
    }
  }

  /**
   * Performs the reset in {@code txn}. {@code chain} starts with the base run (all its events) and
   * continues with the runs it continued as new into, in order; {@code current} is the workflow's
   * current run (may be the base run, a run of the chain, or another run), null when none.
   *
   * @return the new run
   */
  public static MutableState reset(
      ShardTxn txn, List<RunEvents> chain, MutableState current, CurrentExecution currentPointer,
      Request req, String newRunId) {
    MutableState base = chain.get(0).run();
    checkFinishEventId(base, req.finishEventId());
    List<HistoryEvent> baseEvents = chain.get(0).events();
    int prefixLength = (int) (req.finishEventId() - 1);
    if (baseEvents.size() < prefixLength) {
      throw new EngineException(EngineException.Code.UNAVAILABLE,
          "history of the base run is not readable yet, please retry");
    }
    List<HistoryEvent> prefix = baseEvents.subList(0, prefixLength);
    MutableState s =
        HistoryReplay.rebuild(base.namespaceId, base.workflowId, newRunId, prefix);
    if (!s.workflowTask.isScheduled()) {
      throw EngineException.invalidArgument(
          "Can only reset workflow to event ID in range [WorkflowTaskScheduled +1, "
              + "WorkflowTaskStarted + 1]: " + req.finishEventId());
    }
    if (!s.children.isEmpty()) {
      // Temporal can carry pending children over (history.allowResetWithPendingChildren); Sundial
      // cannot re-link them to the new run yet, so it refuses as Temporal does with that option off.
      throw EngineException.invalidArgument(
          "WorkflowResetter encountered pending child workflows: reset to a point where the "
              + "workflow has no pending child workflow (Sundial does not carry pending children "
              + "over to the reset run).");
    }
    long now = txn.now();

    // The run being replaced stops here; the events its termination flushes are reapplied too.
    List<HistoryEvent> currentTail = new ArrayList<>();
    if (current != null && current.isRunning()) {
      int before = current.newEvents.size();
      WorkflowClose.terminate(txn, current, req.reason(), null, WorkflowClose.RESETTER);
      currentTail.addAll(current.newEvents.subList(before, current.newEvents.size()));
    }

    // The new run: the copied events, then the reset's own.
    s.startRequestId = base.startRequestId;
    s.startTime = now;
    s.executionTime = now;
    s.reset.baseRunId = base.runId;
    s.reset.baseLastEventId = prefixLength;
    s.reset.resetRequestId = req.requestId();
    s.reset.resetTime = now;
    long execTimeout = Durations.toMillis(s.started.getWorkflowExecutionTimeout());
    long runTimeout = Durations.toMillis(s.started.getWorkflowRunTimeout());
    s.executionExpirationTime = execTimeout > 0 ? now + execTimeout : 0;
    s.runExpirationTime = runTimeout > 0 ? now + runTimeout : 0;
    if (s.executionExpirationTime > 0 && s.runExpirationTime > s.executionExpirationTime) {
      s.runExpirationTime = s.executionExpirationTime;
    }
    s.newEvents.addAll(prefix);
    s.dirty = true;

    failWorkflowTask(s, now, base.runId, newRunId, req.reason());
    failInflightActivities(s, now, req.reason());

    for (int i = 0; i < chain.size(); i++) {
      List<HistoryEvent> events = chain.get(i).events();
      reapply(s, now, i == 0 ? events.subList(prefixLength, events.size()) : events, req);
    }
    MutableState lastOfChain = chain.get(chain.size() - 1).run();
    if (current != null && current.runId.equals(lastOfChain.runId)) {
      reapply(s, now, currentTail, req);
    }

    txn.create(s);
    armTimersAndTasks(txn, s);
    WorkflowTasks.schedule(txn, s, 1);
    txn.setCurrent(
        new CurrentExecution(s.namespaceId, s.workflowId, s.runId, true, s.startRequestId),
        currentPointer);

    base.reset.resetRunId = newRunId;
    base.dirty = true;
    return s;
  }

  /** The workflow task at the reset point fails with RESET_WORKFLOW (started first if need be). */
  private static void failWorkflowTask(
      MutableState s, long now, String baseRunId, String newRunId, String reason) {
    var wt = s.workflowTask;
    if (!wt.isStarted()) {
      wt.identity = HISTORY_SERVICE;
      wt.requestId = "";
      wt.startedTime = now;
      WorkflowTaskEvents.applyStarted(s, s.append(WorkflowTaskEvents.started(s), now, false));
    }
    HistoryEvent failed = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
            .setWorkflowTaskFailedEventAttributes(
                WorkflowTaskFailedEventAttributes.newBuilder()
                    .setScheduledEventId(wt.scheduledEventId)
                    .setStartedEventId(wt.startedEventId)
                    .setCause(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW)
                    .setFailure(resetFailure(reason, null))
                    .setIdentity(HISTORY_SERVICE)
                    .setBaseRunId(baseRunId)
                    .setNewRunId(newRunId)
                    .setForkEventVersion(0)),
        now,
        false);
    WorkflowTaskEvents.applyFailed(s, failed);
    wt.attempt = 1;
  }

  /**
   * Activities pending at the reset point: one that had started fails (its worker belongs to the
   * old run); one that had not is scheduled again from now.
   */
  private static void failInflightActivities(MutableState s, long now, String reason) {
    for (ActivityInfo a : List.copyOf(s.activities.values())) {
      if (a.isStarted()) {
        HistoryEvent failed = s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
                .setActivityTaskFailedEventAttributes(
                    ActivityTaskFailedEventAttributes.newBuilder()
                        .setScheduledEventId(a.scheduledEventId)
                        .setStartedEventId(0)
                        .setFailure(resetFailure(reason, a.heartbeatDetails))
                        .setRetryState(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE)
                        .setIdentity(a.startedIdentity)),
            now,
            false);
        ActivityEvents.applyClosed(s, failed);
      } else {
        a.firstScheduledTime = now;
        a.attemptScheduledTime = now;
        long s2c = Durations.toMillis(a.scheduled.getScheduleToCloseTimeout());
        a.expirationTime = s2c > 0 ? now + s2c : 0;
      }
    }
  }

  /** Temporal's reset failure: the reason as message, heartbeat details kept. */
  static Failure resetFailure(String reason, Payloads lastHeartbeat) {
    ResetWorkflowFailureInfo.Builder info = ResetWorkflowFailureInfo.newBuilder();
    if (lastHeartbeat != null) {
      info.setLastHeartbeatDetails(lastHeartbeat);
    }
    return Failure.newBuilder().setMessage(reason).setResetWorkflowFailureInfo(info).build();
  }

  /** Reapplies the signals (and accepted updates, as admitted) among {@code events}. */
  private static void reapply(MutableState s, long now, List<HistoryEvent> events, Request req) {
    for (HistoryEvent e : events) {
      switch (e.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          if (!req.reapplySignals()) continue;
          var a = e.getWorkflowExecutionSignaledEventAttributes();
          WorkflowExecutionSignaledEventAttributes.Builder b =
              WorkflowExecutionSignaledEventAttributes.newBuilder()
                  .setSignalName(a.getSignalName())
                  .setIdentity(a.getIdentity());
          if (a.hasInput()) b.setInput(a.getInput());
          if (a.hasHeader()) b.setHeader(a.getHeader());
          s.append(
              HistoryEvent.newBuilder()
                  .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                  .setWorkflowExecutionSignaledEventAttributes(b),
              now,
              false);
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> {
          if (!req.reapplyUpdates()) continue;
          var a = e.getWorkflowExecutionUpdateAcceptedEventAttributes();
          if (!a.hasAcceptedRequest() || s.updates.containsKey(a.getProtocolInstanceId())) continue;
          s.append(
              HistoryEvent.newBuilder()
                  .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED)
                  .setWorkflowExecutionUpdateAdmittedEventAttributes(
                      WorkflowExecutionUpdateAdmittedEventAttributes.newBuilder()
                          .setRequest(a.getAcceptedRequest())
                          .setOrigin(UpdateAdmittedEventOrigin.UPDATE_ADMITTED_EVENT_ORIGIN_REAPPLY)),
              now,
              false);
        }
        default -> {}
      }
    }
  }

  /** The outbox tasks the rebuilt state needs: timeouts, timers, dispatches, external requests. */
  private static void armTimersAndTasks(ShardTxn txn, MutableState s) {
    long deadline = earliest(s.runExpirationTime, s.executionExpirationTime);
    if (deadline > 0) {
      addTimer(txn, s, deadline, TimerKind.WORKFLOW_TIMEOUT, new TimerRef(0, 0, 0, ""));
    }
    for (TimerInfo t : s.timers.values()) {
      TimerTask task =
          addTimer(txn, s, t.fireTime, TimerKind.USER_TIMER, new TimerRef(t.startedEventId, 0, 0, t.timerId));
      t.timerTaskId = task.taskId();
    }
    for (ActivityInfo a : s.activities.values()) {
      if (a.expirationTime > 0) {
        addTimer(txn, s, a.expirationTime, TimerKind.ACTIVITY_TIMEOUT,
            new TimerRef(a.scheduledEventId, a.attempt,
                TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE.getNumber(), ""));
      }
      Activities.dispatch(txn, s, a);
    }
    for (ExternalRequest r : s.externalRequests.values()) {
      Transfers.add(
          txn, s, r.signal != null ? TimerKind.SIGNAL_EXTERNAL : TimerKind.CANCEL_EXTERNAL,
          r.initiatedEventId);
    }
  }

  private static TimerTask addTimer(
      ShardTxn txn, MutableState s, long fireAt, TimerKind kind, TimerRef ref) {
    TimerTask t =
        new TimerTask(
            txn.newTaskId(), txn.shardId(), fireAt, s.namespaceId, s.workflowId, s.runId, kind.code,
            ref.encode());
    txn.addTimer(t);
    return t;
  }

  private static long earliest(long a, long b) {
    if (a <= 0) return Math.max(b, 0);
    if (b <= 0) return a;
    return Math.min(a, b);
  }
}
