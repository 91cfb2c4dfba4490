package dev.sundial.engine.history.command;

import static dev.sundial.engine.Commands.activity;
import static dev.sundial.engine.Commands.cancelTimer;
import static dev.sundial.engine.Commands.completeWorkflow;
import static dev.sundial.engine.Commands.scheduleActivity;
import static dev.sundial.engine.Commands.startTimer;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.TimerInfo;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.FailWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.RecordMarkerCommandAttributes;
import io.temporal.api.command.v1.RequestCancelActivityTaskCommandAttributes;
import io.temporal.api.command.v1.RequestCancelExternalWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.SignalExternalWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CommandValidator directly (same package): causes and messages for rejected commands. */
class CommandValidatorTest {
  private static final EngineContext.Limits DEFAULTS = EngineContext.Limits.defaults();

  private final MutableState state = new MutableState();

  private static EngineContext ctx(EngineContext.Limits limits) {
    return new EngineContext(null, limits);
  }

  private CommandValidator.Rejection validate(Command... commands) {
    return CommandValidator.validate(ctx(DEFAULTS), state, List.of(commands));
  }

  private static void assertRejected(
      CommandValidator.Rejection r, WorkflowTaskFailedCause cause, String messagePart) {
    assertThat(r).isNotNull();
    assertThat(r.cause()).isEqualTo(cause);
    assertThat(r.message()).contains(messagePart);
  }

  private void pendingTimer(String id) {
    TimerInfo t = new TimerInfo();
    t.timerId = id;
    t.startedEventId = 5;
    state.timers.put(id, t);
  }

  private void pendingActivity(long scheduledEventId, String activityId) {
    ActivityInfo a = new ActivityInfo();
    a.scheduledEventId = scheduledEventId;
    a.scheduled =
        ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityId(activityId)
            .setActivityType(ActivityType.newBuilder().setName("A"))
            .build();
    state.activities.put(scheduledEventId, a);
  }

  @Test
  void validCommandsPass() {
    assertThat(validate()).isNull();
    assertThat(
            validate(
                scheduleActivity("a1"),
                scheduleActivity("a2"),
                startTimer("t1", 5),
                cancelTimer("t1"),
                startTimer("t1", 7),
                completeWorkflow(null)))
        .isNull();
  }

  @Test
  void startTimerWithoutTimeout() {
    assertRejected(
        validate(startTimer("t1", 0)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
        "A valid StartToFireTimeout is not set on StartTimerCommand.");
    assertRejected(
        validate(startTimer("t1", -3)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
        "StartToFireTimeout");
  }

  @Test
  void startTimerWithoutId() {
    assertRejected(
        validate(startTimer("", 3)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES,
        "TimerId is not set on StartTimerCommand.");
  }

  @Test
  void duplicateTimerIdInOneCompletion() {
    assertRejected(
        validate(startTimer("t1", 3), startTimer("t1", 4)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
        "t1");
  }

  @Test
  void duplicateOfAPendingTimer() {
    pendingTimer("t1");
    assertRejected(
        validate(startTimer("t1", 3)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
        "t1");
  }

  @Test
  void cancelUnknownOrTwice() {
    assertRejected(
        validate(cancelTimer("nope")),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
        "nope");
    pendingTimer("t1");
    assertThat(validate(cancelTimer("t1"))).isNull();
    assertRejected(
        validate(cancelTimer("t1"), cancelTimer("t1")),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
        "t1");
  }

  @Test
  void activityWithoutStartToCloseOrScheduleToClose() {
    assertRejected(
        validate(scheduleActivity(activity("a1").clearStartToCloseTimeout())),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.");
    // schedule-to-close alone is enough
    assertThat(
            validate(
                scheduleActivity(
                    activity("a1")
                        .clearStartToCloseTimeout()
                        .setScheduleToCloseTimeout(Durations.ofMillis(5000)))))
        .isNull();
  }

  @Test
  void activityMissingIdOrType() {
    assertRejected(
        validate(scheduleActivity(activity(""))),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "ActivityId is not set on ScheduleActivityTaskCommand.");
    assertRejected(
        validate(scheduleActivity(activity("a1").clearActivityType())),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "ActivityType is not set on ScheduleActivityTaskCommand.");
  }

  @Test
  void activityWithNegativeTimeout() {
    assertRejected(
        validate(
            scheduleActivity(
                activity("a1")
                    .setHeartbeatTimeout(Duration.newBuilder().setSeconds(-1)))),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "negative");
  }

  @Test
  void activityWithInvalidRetryPolicy() {
    assertRejected(
        validate(
            scheduleActivity(
                activity("a1").setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(-2)))),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "MaximumAttempts cannot be negative on ScheduleActivityTaskCommand retry policy.");
  }

  @Test
  void duplicateActivityIds() {
    assertRejected(
        validate(scheduleActivity("a1"), scheduleActivity("a1")),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "a1");
    pendingActivity(5, "a2");
    assertRejected(
        validate(scheduleActivity("a2")),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
        "a2");
  }

  @Test
  void pendingActivityLimit() {
    EngineContext.Limits two =
        new EngineContext.Limits(
            DEFAULTS.maxPayloadBytes(), 2, DEFAULTS.maxHistoryEvents(), DEFAULTS.maxHistoryBytes(),
            DEFAULTS.warnHistoryEvents(), DEFAULTS.warnHistoryBytes(), DEFAULTS.longPollMillis());
    pendingActivity(5, "old");
    assertThat(CommandValidator.validate(ctx(two), state, List.of(scheduleActivity("a1")))).isNull();
    CommandValidator.Rejection r =
        CommandValidator.validate(
            ctx(two), state, List.of(scheduleActivity("a1"), scheduleActivity("a2")));
    assertRejected(
        r, WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_ACTIVITIES_LIMIT_EXCEEDED, "2");
  }

  @Test
  void pendingExternalSignalAndCancelLimits() {
    EngineContext.Limits two =
        new EngineContext.Limits(
            DEFAULTS.maxPayloadBytes(), 2, DEFAULTS.maxHistoryEvents(), DEFAULTS.maxHistoryBytes(),
            DEFAULTS.warnHistoryEvents(), DEFAULTS.warnHistoryBytes(), DEFAULTS.longPollMillis());
    var pending = new ExternalRequest();
    pending.initiatedEventId = 7;
    pending.signal = SignalExternalWorkflowExecutionInitiatedEventAttributes
        .getDefaultInstance();
    state.externalRequests.put(7L, pending);
    Command signal = Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION)
        .setSignalExternalWorkflowExecutionCommandAttributes(
            SignalExternalWorkflowExecutionCommandAttributes.newBuilder()
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId("t"))
                .setSignalName("s"))
        .build();
    Command cancel = Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION)
        .setRequestCancelExternalWorkflowExecutionCommandAttributes(
            RequestCancelExternalWorkflowExecutionCommandAttributes.newBuilder()
                .setWorkflowId("t"))
        .build();
    assertThat(CommandValidator.validate(ctx(two), state, List.of(signal))).isNull();
    assertRejected(CommandValidator.validate(ctx(two), state, List.of(signal, signal)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_SIGNALS_LIMIT_EXCEEDED, "2");
    assertThat(CommandValidator.validate(ctx(two), state, List.of(cancel, cancel))).isNull();
    assertRejected(CommandValidator.validate(ctx(two), state, List.of(cancel, cancel, cancel)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_PENDING_REQUEST_CANCEL_LIMIT_EXCEEDED, "2");
  }

  @Test
  void oversizedActivityInputOrResult() {
    EngineContext.Limits small =
        new EngineContext.Limits(
            100, DEFAULTS.maxPendingActivities(), DEFAULTS.maxHistoryEvents(),
            DEFAULTS.maxHistoryBytes(), DEFAULTS.warnHistoryEvents(), DEFAULTS.warnHistoryBytes(),
            DEFAULTS.longPollMillis());
    Payloads big =
        Payloads.newBuilder()
            .addPayloads(Payload.newBuilder().setData(ByteString.copyFrom(new byte[200])))
            .build();
    CommandValidator.Rejection r =
        CommandValidator.validate(
            ctx(small), state, List.of(scheduleActivity(activity("a1").setInput(big))));
    assertRejected(
        r, WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, "Input");
    r = CommandValidator.validate(ctx(small), state, List.of(completeWorkflow(big)));
    assertRejected(
        r,
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES,
        "Result");
  }

  @Test
  void cancelOfUnknownActivity() {
    Command c =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK)
            .setRequestCancelActivityTaskCommandAttributes(
                RequestCancelActivityTaskCommandAttributes.newBuilder().setScheduledEventId(77))
            .build();
    assertRejected(
        validate(c),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
        "77");
    pendingActivity(77, "a");
    assertThat(validate(c)).isNull();
  }

  @Test
  void failWorkflowWithoutFailure() {
    Command c =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION)
            .setFailWorkflowExecutionCommandAttributes(
                FailWorkflowExecutionCommandAttributes.getDefaultInstance())
            .build();
    assertRejected(
        validate(c),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
        "Failure is not set");
  }

  @Test
  void markerWithoutName() {
    Command c =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_RECORD_MARKER)
            .setRecordMarkerCommandAttributes(RecordMarkerCommandAttributes.getDefaultInstance())
            .build();
    assertRejected(
        validate(c),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
        "MarkerName");
  }

  @Test
  void commandAfterACloseCommand() {
    assertRejected(
        validate(completeWorkflow(null), startTimer("t", 1)),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
        "closes the workflow");
  }

  @Test
  void unsupportedCommandType() {
    Command c =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION)
            .build();
    assertRejected(
        validate(c), WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, "not supported");
  }

  @Test
  void childWithoutWorkflowIdIsRejected() {
    Command c =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION)
            .build();
    assertRejected(
        validate(c),
        WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES,
        "WorkflowId is not set");
  }
}
