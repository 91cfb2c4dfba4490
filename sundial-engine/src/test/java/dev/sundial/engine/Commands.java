package dev.sundial.engine;

import com.google.protobuf.Duration;
import io.temporal.api.command.v1.CancelTimerCommandAttributes;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.CompleteWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.command.v1.StartTimerCommandAttributes;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.taskqueue.v1.TaskQueue;

/** Builders for the commands a worker sends back. */
public final class Commands {
  private Commands() {}

  public static ScheduleActivityTaskCommandAttributes.Builder activity(String activityId) {
    return ScheduleActivityTaskCommandAttributes.newBuilder()
        .setActivityId(activityId)
        .setActivityType(ActivityType.newBuilder().setName("TestActivity"))
        .setTaskQueue(TaskQueue.newBuilder().setName(EngineHarness.TASK_QUEUE))
        .setStartToCloseTimeout(EngineHarness.seconds(30));
  }

  public static Command scheduleActivity(ScheduleActivityTaskCommandAttributes.Builder a) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK)
        .setScheduleActivityTaskCommandAttributes(a)
        .build();
  }

  /** An activity with a 30 s start-to-close timeout and at most one attempt. */
  public static Command scheduleActivity(String activityId) {
    return scheduleActivity(
        activity(activityId).setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(1)));
  }

  public static Command startTimer(String timerId, Duration d) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_START_TIMER)
        .setStartTimerCommandAttributes(
            StartTimerCommandAttributes.newBuilder().setTimerId(timerId).setStartToFireTimeout(d))
        .build();
  }

  public static Command startTimer(String timerId, long seconds) {
    return startTimer(timerId, EngineHarness.seconds(seconds));
  }

  public static Command cancelTimer(String timerId) {
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_CANCEL_TIMER)
        .setCancelTimerCommandAttributes(
            CancelTimerCommandAttributes.newBuilder().setTimerId(timerId))
        .build();
  }

  public static Command completeWorkflow(Payloads result) {
    CompleteWorkflowExecutionCommandAttributes.Builder a =
        CompleteWorkflowExecutionCommandAttributes.newBuilder();
    if (result != null) a.setResult(result);
    return Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION)
        .setCompleteWorkflowExecutionCommandAttributes(a)
        .build();
  }
}
