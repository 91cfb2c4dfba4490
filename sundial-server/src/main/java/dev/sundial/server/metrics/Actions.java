package dev.sundial.server.metrics;

import com.google.protobuf.Message;
import io.temporal.api.command.v1.Command;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.update.v1.Acceptance;
import io.temporal.api.update.v1.Rejection;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The billable actions of a successful call, as Temporal's frontend counts them in its {@code
 * action} metric ({@code action_type} label): the calls that start, signal, query, update or
 * heartbeat, schedule changes, the commands of a completed workflow task, update acceptances and
 * rejections, and activity retries.
 */
final class Actions {
  private static final Set<String> CALLS = Set.of(
      "StartWorkflowExecution", "ExecuteMultiOperation", "QueryWorkflow",
      "UpdateWorkflowExecutionOptions", "RecordActivityTaskHeartbeat",
      "RecordActivityTaskHeartbeatById", "ResetWorkflowExecution", "SignalWorkflowExecution",
      "SignalWithStartWorkflowExecution", "CreateSchedule", "UpdateSchedule", "DeleteSchedule",
      "PatchSchedule", "PauseWorkflowExecution", "UnpauseWorkflowExecution");
  private static final Set<CommandType> COMMANDS = Set.of(
      CommandType.COMMAND_TYPE_RECORD_MARKER, CommandType.COMMAND_TYPE_START_TIMER,
      CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
      CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
      CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
      CommandType.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
      CommandType.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,
      CommandType.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
      CommandType.COMMAND_TYPE_SCHEDULE_NEXUS_OPERATION,
      CommandType.COMMAND_TYPE_REQUEST_CANCEL_NEXUS_OPERATION);
  private static final String ACCEPTANCE = typeUrl(Acceptance.getDescriptor().getFullName());
  private static final String REJECTION = typeUrl(Rejection.getDescriptor().getFullName());

  private Actions() {}

  static List<String> of(String method, Message request, Message response) {
    if (method.equals("RespondWorkflowTaskCompleted")
        && request instanceof RespondWorkflowTaskCompletedRequest completed) {
      return commands(completed);
    }
    if (method.equals("PollActivityTaskQueue")) {
      return response instanceof PollActivityTaskQueueResponse r && !r.getTaskToken().isEmpty()
          && r.getAttempt() > 1 ? List.of("activity_retry") : List.of();
    }
    if (!CALLS.contains(method)) {
      return List.of();
    }
    if (response instanceof StartWorkflowExecutionResponse r && !r.getStarted()) {
      return List.of(); // an existing run was returned: nothing was started
    }
    if (request instanceof QueryWorkflowRequest q
        && q.getQuery().getQueryType().equals("__temporal_workflow_metadata")) {
      return List.of();
    }
    return List.of("grpc_" + method);
  }

  private static List<String> commands(RespondWorkflowTaskCompletedRequest completed) {
    List<String> actions = new ArrayList<>();
    boolean marker = false;
    for (Command c : completed.getCommandsList()) {
      if (!COMMANDS.contains(c.getCommandType())) {
        continue;
      }
      String name = "command_" + ErrorTypes.goName(c.getCommandType().name(), "COMMAND_TYPE_");
      actions.add(name);
      if (c.getCommandType() == CommandType.COMMAND_TYPE_RECORD_MARKER) {
        marker = true;
      } else if (c.getCommandType() == CommandType.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION) {
        actions.add(name + "_Extra"); // a child counts twice
      }
    }
    if (marker) {
      actions.add("command_BatchMarkers");
    }
    for (var m : completed.getMessagesList()) {
      String url = m.getBody().getTypeUrl();
      if (url.equals(ACCEPTANCE)) {
        actions.add("message_UpdateWorkflowExecution:Acceptance");
      } else if (url.equals(REJECTION)) {
        actions.add("message_UpdateWorkflowExecution:Rejection");
      }
    }
    return actions;
  }

  /** The type of each command of a completed workflow task, as Temporal's Go API names it. */
  static List<String> commandTypes(Message request) {
    if (!(request instanceof RespondWorkflowTaskCompletedRequest completed)) {
      return List.of();
    }
    List<String> types = new ArrayList<>(completed.getCommandsCount());
    for (Command c : completed.getCommandsList()) {
      types.add(ErrorTypes.goName(c.getCommandType().name(), "COMMAND_TYPE_"));
    }
    return types;
  }

  private static String typeUrl(String fullName) {
    return "type.googleapis.com/" + fullName;
  }
}
