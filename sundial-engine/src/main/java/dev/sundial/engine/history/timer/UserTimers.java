package dev.sundial.engine.history.timer;

import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.TimerInfo;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.command.v1.StartTimerCommandAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.TimerCanceledEventAttributes;
import io.temporal.api.history.v1.TimerFiredEventAttributes;
import io.temporal.api.history.v1.TimerStartedEventAttributes;

/** Workflow timers (StartTimer / CancelTimer commands and their firing). */
public final class UserTimers {
  private UserTimers() {}

  public static void start(
      ShardTxn txn, MutableState s, StartTimerCommandAttributes c, long completedEventId) {
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_TIMER_STARTED)
                .setTimerStartedEventAttributes(
                    TimerStartedEventAttributes.newBuilder()
                        .setTimerId(c.getTimerId())
                        .setStartToFireTimeout(c.getStartToFireTimeout())
                        .setWorkflowTaskCompletedEventId(completedEventId)),
            txn.now(),
            false);
    TimerInfo t = TimerEvents.applyStarted(s, e);
    TimerTask task =
        new TimerTask(
            txn.newTaskId(), txn.shardId(), t.fireTime, s.namespaceId, s.workflowId, s.runId,
            TimerKind.USER_TIMER.code, new TimerRef(t.startedEventId, 0, 0, t.timerId).encode());
    t.timerTaskId = task.taskId();
    txn.addTimer(task);
  }

  public static void cancel(
      ShardTxn txn, MutableState s, TimerInfo t, long completedEventId, String identity) {
    HistoryEvent e = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_TIMER_CANCELED)
            .setTimerCanceledEventAttributes(
                TimerCanceledEventAttributes.newBuilder()
                    .setTimerId(t.timerId)
                    .setStartedEventId(t.startedEventId)
                    .setWorkflowTaskCompletedEventId(completedEventId)
                    .setIdentity(identity)),
        txn.now(),
        false);
    txn.deleteTimer(t.timerTaskId);
    TimerEvents.applyClosed(s, e);
  }

  public static void onFire(ShardTxn txn, MutableState s, TimerRef ref) {
    TimerInfo t = s.isRunning() ? s.timers.get(ref.name()) : null;
    if (t == null || t.startedEventId != ref.eventId()) {
      return;
    }
    HistoryEvent e = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_TIMER_FIRED)
            .setTimerFiredEventAttributes(
                TimerFiredEventAttributes.newBuilder()
                    .setTimerId(t.timerId)
                    .setStartedEventId(t.startedEventId)),
        txn.now(),
        true);
    TimerEvents.applyClosed(s, e);
    WorkflowTasks.scheduleIfNone(txn, s);
  }
}
