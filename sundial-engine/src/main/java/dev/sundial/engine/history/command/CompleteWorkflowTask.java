package dev.sundial.engine.history.command;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.history.timer.UserTimers;
import dev.sundial.engine.history.update.UpdateCompletion;
import dev.sundial.engine.history.update.UpdateRegistry;
import dev.sundial.engine.history.workflow.Children;
import dev.sundial.engine.history.workflow.ContinueAsNew;
import dev.sundial.engine.history.workflow.ExternalRequests;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflow.WorkflowEvents;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskEvents;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.api.history.v1.UpsertWorkflowSearchAttributesEventAttributes;
import io.temporal.api.history.v1.WorkflowPropertiesModifiedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskCompletedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;

/**
 * RespondWorkflowTaskCompleted: records the completion, applies the commands in order, writes the
 * events that arrived meanwhile, and schedules the next workflow task when there is news for the
 * workflow. Invalid commands fail the workflow task instead, changing nothing else.
 */
public final class CompleteWorkflowTask {
  private CompleteWorkflowTask() {}

  /**
   * Returns null when applied, or why the commands were rejected (the task was then recorded as
   * failed, and the caller is told with INVALID_ARGUMENT once that is committed).
   */
  public static String apply(
      EngineContext ctx, UpdateRegistry updates, ShardTxn txn, MutableState s,
      RespondWorkflowTaskCompletedRequest req) {
    String identity = req.getIdentity();
    CommandValidator.Rejection rejection = CommandValidator.validate(ctx, s, req.getCommandsList());
    if (rejection == null && closesWorkflow(req) && !s.bufferedEvents.isEmpty()) {
      rejection =
          new CommandValidator.Rejection(
              WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
              "new events arrived while the workflow task was running; the workflow must handle them before closing");
    }
    if (rejection == null) {
      String bad = UpdateCompletion.validate(ctx, updates, s, req);
      if (bad != null) {
        rejection =
            new CommandValidator.Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
                bad);
      }
    }
    if (rejection != null) {
      updates.onWorkflowTaskFailed(txn, s);
      WorkflowTasks.fail(
          txn, s, rejection.cause(),
          Failure.newBuilder().setMessage(rejection.message()).setSource("Server").build(),
          identity);
      // Unhandled new events are routine (the next task carries them); bad commands are a
      // worker bug the caller hears about.
      return rejection.cause()
              == WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
          ? null
          : rejection.message();
    }

    var wt = s.workflowTask;
    s.materializeTransientTask(txn.now());
    WorkflowTaskCompletedEventAttributes.Builder done =
        WorkflowTaskCompletedEventAttributes.newBuilder()
            .setScheduledEventId(wt.scheduledEventId)
            .setStartedEventId(wt.startedEventId)
            .setIdentity(identity)
            .setBinaryChecksum(req.getBinaryChecksum());
    if (req.hasSdkMetadata()) done.setSdkMetadata(req.getSdkMetadata());
    if (req.hasMeteringMetadata()) done.setMeteringMetadata(req.getMeteringMetadata());
    if (req.hasWorkerVersionStamp()) done.setWorkerVersion(req.getWorkerVersionStamp());
    HistoryEvent completed =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
                .setWorkflowTaskCompletedEventAttributes(done),
            txn.now(),
            false);
    long completedId = completed.getEventId();
    txn.deleteTimer(wt.timeoutTaskId);
    // The task is done: the commands' events go straight to history.
    WorkflowTaskEvents.applyCompleted(s, completed);

    boolean newTaskNeeded = false;
    UpdateCompletion completion = UpdateCompletion.begin(updates, txn, s, req);
    for (Command c : req.getCommandsList()) {
      if (completion.onCommand(c)) {
        continue; // a workflow update message, handled at its command's place
      }
      // As in Temporal, the command's summary and details go on the event it writes.
      s.commandUserMetadata = c.hasUserMetadata() ? c.getUserMetadata() : null;
      try {
        newTaskNeeded |= applyCommand(ctx, txn, s, c, completedId, identity);
      } finally {
        s.commandUserMetadata = null; // also when the command wrote no event
      }
      if (!s.isRunning()) {
        break;
      }
    }
    completion.finish(req.getForceCreateNewWorkflowTask());

    WorkflowTasks.recordStickyQueue(s, req);
    s.dirty = true;
    boolean news = s.flushBufferedEvents();
    // The shard applies this rule to every operation; here it also keeps a new task from being
    // scheduled for a workflow about to be terminated.
    if (WorkflowClose.terminateIfOverHistoryLimit(ctx, txn, s)) {
      return null;
    }
    if (s.isRunning() && (news || newTaskNeeded || req.getForceCreateNewWorkflowTask())) {
      WorkflowTasks.schedule(txn, s, 1);
    } else if (s.isRunning() && updates.hasPending(s, false)) {
      WorkflowTasks.scheduleSpeculative(txn, s); // updates that arrived while the task ran
    }
    return null;
  }

  private static boolean closesWorkflow(RespondWorkflowTaskCompletedRequest req) {
    for (Command c : req.getCommandsList()) {
      switch (c.getCommandType()) {
        case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
            COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
            COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION,
            COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> {
          return true;
        }
        default -> {}
      }
    }
    return false;
  }

  /** Applies one validated command; true when the workflow needs another task to see the result. */
  private static boolean applyCommand(
      EngineContext ctx, ShardTxn txn, MutableState s, Command c, long completedId,
      String identity) {
    switch (c.getCommandType()) {
      case COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION -> {
        var a =
            SearchAttributeCommands.typed(ctx, s, c.getStartChildWorkflowExecutionCommandAttributes());
        var ns = a.getNamespace().isEmpty()
            ? ctx.namespaces.byId(s.namespaceId)
            : ctx.namespaces.byName(a.getNamespace());
        Children.initiate(txn, s, a, ns.name(), ns.id(), completedId);
      }
      case COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION -> {
        var a = c.getSignalExternalWorkflowExecutionCommandAttributes();
        var ns = a.getNamespace().isEmpty()
            ? ctx.namespaces.byId(s.namespaceId)
            : ctx.namespaces.byName(a.getNamespace());
        ExternalRequests.signal(txn, s, a, ns.name(), ns.id(), completedId);
      }
      case COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION -> {
        var a = c.getRequestCancelExternalWorkflowExecutionCommandAttributes();
        var ns = a.getNamespace().isEmpty()
            ? ctx.namespaces.byId(s.namespaceId)
            : ctx.namespaces.byName(a.getNamespace());
        ExternalRequests.cancel(txn, s, a, ns.name(), ns.id(), completedId);
      }
      case COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION ->
          ContinueAsNew.apply(
              txn, s,
              SearchAttributeCommands.typed(ctx, s, c.getContinueAsNewWorkflowExecutionCommandAttributes()),
              completedId);
      case COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK ->
          Activities.schedule(
              txn, s, normalize(s, c.getScheduleActivityTaskCommandAttributes(), completedId));
      case COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK -> {
        return Activities.requestCancel(
            txn, s, c.getRequestCancelActivityTaskCommandAttributes().getScheduledEventId(),
            completedId);
      }
      case COMMAND_TYPE_START_TIMER ->
          UserTimers.start(txn, s, c.getStartTimerCommandAttributes(), completedId);
      case COMMAND_TYPE_CANCEL_TIMER ->
          UserTimers.cancel(
              txn, s, s.timers.get(c.getCancelTimerCommandAttributes().getTimerId()), completedId,
              identity);
      case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION -> {
        var a = c.getCompleteWorkflowExecutionCommandAttributes();
        WorkflowClose.complete(txn, s, a.hasResult() ? a.getResult() : null, completedId);
      }
      case COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION ->
          WorkflowClose.fail(
              txn, s, c.getFailWorkflowExecutionCommandAttributes().getFailure(), completedId);
      case COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION -> {
        var a = c.getCancelWorkflowExecutionCommandAttributes();
        WorkflowClose.cancel(txn, s, a.hasDetails() ? a.getDetails() : null, completedId);
      }
      case COMMAND_TYPE_RECORD_MARKER -> {
        var a = c.getRecordMarkerCommandAttributes();
        MarkerRecordedEventAttributes.Builder m =
            MarkerRecordedEventAttributes.newBuilder()
                .setMarkerName(a.getMarkerName())
                .putAllDetails(a.getDetailsMap())
                .setWorkflowTaskCompletedEventId(completedId);
        if (a.hasHeader()) m.setHeader(a.getHeader());
        if (a.hasFailure()) m.setFailure(a.getFailure());
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_MARKER_RECORDED)
                .setMarkerRecordedEventAttributes(m),
            txn.now(),
            false);
      }
      case COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
        HistoryEvent e = s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
                .setUpsertWorkflowSearchAttributesEventAttributes(
                    UpsertWorkflowSearchAttributesEventAttributes.newBuilder()
                        .setWorkflowTaskCompletedEventId(completedId)
                        .setSearchAttributes(
                            SearchAttributeCommands.typed(
                                ctx, s, c.getUpsertWorkflowSearchAttributesCommandAttributes()))),
            txn.now(),
            false);
        WorkflowEvents.applySearchAttributesUpserted(s, e);
      }
      case COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES -> {
        HistoryEvent e = s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED)
                .setWorkflowPropertiesModifiedEventAttributes(
                    WorkflowPropertiesModifiedEventAttributes.newBuilder()
                        .setWorkflowTaskCompletedEventId(completedId)
                        .setUpsertedMemo(
                            c.getModifyWorkflowPropertiesCommandAttributes().getUpsertedMemo())),
            txn.now(),
            false);
        WorkflowEvents.applyPropertiesModified(s, e);
      }
      default -> throw new IllegalStateException("unvalidated command " + c.getCommandType());
    }
    return false;
  }

  /** Temporal's timeout normalization and defaults for a scheduled activity. */
  static ActivityTaskScheduledEventAttributes normalize(
      MutableState s, ScheduleActivityTaskCommandAttributes c, long completedId) {
    long runTimeout = Durations.toMillis(s.started.getWorkflowRunTimeout());
    long s2c = Durations.toMillis(c.getScheduleToCloseTimeout());
    long s2s = Durations.toMillis(c.getScheduleToStartTimeout());
    long stc = Durations.toMillis(c.getStartToCloseTimeout());
    long hb = Durations.toMillis(c.getHeartbeatTimeout());
    if (s2c == 0 || (runTimeout > 0 && s2c > runTimeout)) s2c = runTimeout;
    if (s2s == 0 || (s2c > 0 && s2s > s2c)) s2s = s2c;
    if (stc == 0 || (s2c > 0 && stc > s2c)) stc = s2c;
    if (stc > 0 && hb > stc) hb = stc;
    TaskQueue queue =
        c.getTaskQueue().getName().isEmpty()
            ? TaskQueue.newBuilder()
                .setName(s.taskQueue())
                .setKind(TaskQueueKind.TASK_QUEUE_KIND_NORMAL)
                .build()
            : c.getTaskQueue();
    ActivityTaskScheduledEventAttributes.Builder b =
        ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityId(c.getActivityId())
            .setActivityType(c.getActivityType())
            .setTaskQueue(queue)
            .setScheduleToCloseTimeout(Durations.ofMillis(s2c))
            .setScheduleToStartTimeout(Durations.ofMillis(s2s))
            .setStartToCloseTimeout(Durations.ofMillis(stc))
            .setHeartbeatTimeout(Durations.ofMillis(hb))
            .setWorkflowTaskCompletedEventId(completedId)
            .setRetryPolicy(ActivityRetryPolicy.withDefaults(c.getRetryPolicy()))
            .setUseWorkflowBuildId(c.getUseWorkflowBuildId());
    if (c.hasHeader()) b.setHeader(c.getHeader());
    if (c.hasInput()) b.setInput(c.getInput());
    if (c.hasPriority()) b.setPriority(c.getPriority());
    return b.build();
  }
}
