package dev.sundial.engine.history.command;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a workflow task's commands against the run before any of them is applied, so an invalid
 * command fails the whole workflow task (with Temporal's cause) and changes nothing else.
 */
final class CommandValidator {
  private CommandValidator() {}

  /** Why the commands are rejected. */
  record Rejection(WorkflowTaskFailedCause cause, String message) {}

  static Rejection validate(EngineContext ctx, MutableState s, List<Command> commands) {
    Set<String> activityIds = new HashSet<>();
    s.activities.values().forEach(a -> activityIds.add(a.scheduled.getActivityId()));
    Set<String> timerIds = new HashSet<>(s.timers.keySet());
    Set<String> canceledTimers = new HashSet<>();
    int pendingActivities = s.activities.size();
    int pendingChildren = s.children.size();
    // Signals and cancel requests this run sent to other workflows, not yet delivered.
    int pendingSignals = 0;
    int pendingCancels = 0;
    for (var r : s.externalRequests.values()) {
      if (r.signal != null) pendingSignals++;
      else pendingCancels++;
    }
    boolean closed = false;
    for (Command c : commands) {
      if (closed) {
        return new Rejection(
            WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
            "a command follows a command that closes the workflow");
      }
      switch (c.getCommandType()) {
        case COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK -> {
          var a = c.getScheduleActivityTaskCommandAttributes();
          String err = validateActivity(ctx, a);
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, err);
          }
          if (!activityIds.add(a.getActivityId())) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
                "Activity id " + a.getActivityId() + " is already in use by a pending activity.");
          }
          if (++pendingActivities > ctx.limits.maxPendingActivities()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED,
                "the number of pending activities would exceed the limit of "
                    + ctx.limits.maxPendingActivities());
          }
        }
        case COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK -> {
          long id = c.getRequestCancelActivityTaskCommandAttributes().getScheduledEventId();
          if (!s.activities.containsKey(id)) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
                "no pending activity with ScheduledEventId " + id);
          }
        }
        case COMMAND_TYPE_START_TIMER -> {
          var t = c.getStartTimerCommandAttributes();
          if (t.getTimerId().isEmpty()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
                "TimerId is not set on StartTimerCommand.");
          }
          if (Durations.toMillis(t.getStartToFireTimeout()) <= 0) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
                "A valid StartToFireTimeout is not set on StartTimerCommand.");
          }
          if (!timerIds.add(t.getTimerId())) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
                "Timer id " + t.getTimerId() + " is already in use.");
          }
        }
        case COMMAND_TYPE_CANCEL_TIMER -> {
          String id = c.getCancelTimerCommandAttributes().getTimerId();
          if (!timerIds.contains(id) || !canceledTimers.add(id)) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
                "no pending timer with TimerId " + id);
          }
          timerIds.remove(id);
        }
        case COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION -> {
          closed = true;
          String err = payloadCheck(ctx, c.getCompleteWorkflowExecutionCommandAttributes().getResult(), "Result");
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES, err);
          }
        }
        case COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION -> {
          closed = true;
          if (!c.getFailWorkflowExecutionCommandAttributes().hasFailure()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
                "Failure is not set on FailWorkflowExecutionCommand.");
          }
        }
        case COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION -> closed = true;
        case COMMAND_TYPE_RECORD_MARKER -> {
          if (c.getRecordMarkerCommandAttributes().getMarkerName().isEmpty()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
                "MarkerName is not set on RecordMarkerCommand.");
          }
        }
        case COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
          String err =
              SearchAttributeCommands.checkUpsert(
                  ctx, s, c.getUpsertWorkflowSearchAttributesCommandAttributes());
          if (err != null) {
            return new Rejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, err);
          }
        }
        case COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES -> {
          String err =
              SearchAttributeCommands.checkModifyProperties(
                  c.getModifyWorkflowPropertiesCommandAttributes());
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES, err);
          }
        }
        case COMMAND_TYPE_PROTOCOL_MESSAGE -> {
          // Positions a workflow update message among the commands (see history.update).
          if (!c.hasProtocolMessageCommandAttributes()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
                "ProtocolMessageCommandAttributes is not set on ProtocolMessageCommand.");
          }
          if (c.getProtocolMessageCommandAttributes().getMessageId().isEmpty()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
                "MessageID is not set on ProtocolMessageCommand.");
          }
        }
        case COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION -> {
          String err = WorkflowCommandChecks.child(ctx, c.getStartChildWorkflowExecutionCommandAttributes());
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES, err);
          }
          err =
              SearchAttributeCommands.checkChild(
                  ctx, s, c.getStartChildWorkflowExecutionCommandAttributes());
          if (err != null) {
            return new Rejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, err);
          }
          if (++pendingChildren > ctx.limits.maxPendingActivities()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_CHILD_WORKFLOWS_LIMIT_EXCEEDED,
                "the number of pending child workflows would exceed the limit of "
                    + ctx.limits.maxPendingActivities());
          }
        }
        case COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION -> {
          var a = c.getSignalExternalWorkflowExecutionCommandAttributes();
          String err = WorkflowCommandChecks.external(ctx, a.getNamespace(), a.getExecution().getWorkflowId());
          if (err == null && a.getSignalName().isEmpty()) {
            err = "SignalName is not set on SignalExternalWorkflowExecutionCommand.";
          }
          if (err == null && a.getInput().getSerializedSize() > ctx.limits.maxPayloadBytes()) {
            err = "Input exceeds the payload limit of " + ctx.limits.maxPayloadBytes() + " bytes.";
          }
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, err);
          }
          if (++pendingSignals > ctx.limits.maxPendingActivities()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_SIGNALS_LIMIT_EXCEEDED,
                "the number of pending signals to other workflows would exceed the limit of "
                    + ctx.limits.maxPendingActivities());
          }
        }
        case COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION -> {
          var a = c.getRequestCancelExternalWorkflowExecutionCommandAttributes();
          String err = WorkflowCommandChecks.external(ctx, a.getNamespace(), a.getWorkflowId());
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
                err);
          }
          if (++pendingCancels > ctx.limits.maxPendingActivities()) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_REQUEST_CANCEL_LIMIT_EXCEEDED,
                "the number of pending cancel requests to other workflows would exceed the limit of "
                    + ctx.limits.maxPendingActivities());
          }
        }
        case COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION -> {
          closed = true;
          String err = WorkflowCommandChecks.continueAsNew(ctx, c.getContinueAsNewWorkflowExecutionCommandAttributes());
          if (err != null) {
            return new Rejection(
                WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES, err);
          }
          err =
              SearchAttributeCommands.checkContinueAsNew(
                  ctx, s, c.getContinueAsNewWorkflowExecutionCommandAttributes());
          if (err != null) {
            return new Rejection(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, err);
          }
        }
        default ->
            {
              return new Rejection(
                  WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
                  "command " + c.getCommandType() + " is not supported by this Sundial version");
            }
      }
    }
    return null;
  }

  private static String validateActivity(EngineContext ctx, ScheduleActivityTaskCommandAttributes a) {
    if (a.getActivityId().isEmpty()) {
      return "ActivityId is not set on ScheduleActivityTaskCommand.";
    }
    if (a.getActivityType().getName().isEmpty()) {
      return "ActivityType is not set on ScheduleActivityTaskCommand.";
    }
    if (Durations.isNegative(a.getScheduleToCloseTimeout())
        || Durations.isNegative(a.getScheduleToStartTimeout())
        || Durations.isNegative(a.getStartToCloseTimeout())
        || Durations.isNegative(a.getHeartbeatTimeout())) {
      return "A valid timeout may not be negative on ScheduleActivityTaskCommand.";
    }
    if (Durations.toMillis(a.getScheduleToCloseTimeout()) == 0
        && Durations.toMillis(a.getStartToCloseTimeout()) == 0) {
      return "A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.";
    }
    if (a.hasRetryPolicy()) {
      String err = ActivityRetryPolicy.validate(a.getRetryPolicy(), "ScheduleActivityTaskCommand");
      if (err != null) return err;
    }
    return payloadCheck(ctx, a.getInput(), "Input");
  }

  private static String payloadCheck(EngineContext ctx, Payloads p, String field) {
    if (p.getSerializedSize() > ctx.limits.maxPayloadBytes()) {
      return field + " size " + p.getSerializedSize() + " exceeds the payload limit of "
          + ctx.limits.maxPayloadBytes() + " bytes.";
    }
    return null;
  }
}
