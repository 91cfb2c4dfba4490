package dev.sundial.cli.activity;

import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.PayloadInput;
import dev.sundial.cli.workflow.StartOptions;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@code temporal activity start} and {@code execute}: the standalone activity to run. */
final class ActivityStartOptions {
  @Option(names = {"-a", "--activity-id"}, paramLabel = "<id>", required = true,
      description = "Activity id.")
  String activityId;

  @Option(names = "--type", paramLabel = "<type>", required = true, description = "Activity type.")
  String type;

  @Option(names = {"-t", "--task-queue"}, paramLabel = "<queue>", required = true,
      description = "Task queue the activity's workers poll.")
  String taskQueue;

  @Option(names = "--schedule-to-close-timeout", paramLabel = "<duration>",
      description = "Time for the whole execution, retries included. This or"
          + " --start-to-close-timeout is required.")
  String scheduleToClose;

  @Option(names = "--schedule-to-start-timeout", paramLabel = "<duration>",
      description = "Time a task may wait on its queue for a worker (not retried).")
  String scheduleToStart;

  @Option(names = "--start-to-close-timeout", paramLabel = "<duration>",
      description = "Time for one attempt. This or --schedule-to-close-timeout is required.")
  String startToClose;

  @Option(names = "--heartbeat-timeout", paramLabel = "<duration>",
      description = "Longest time between heartbeats of an attempt.")
  String heartbeat;

  @Option(names = "--start-delay", paramLabel = "<duration>",
      description = "Delay before the first attempt (not applied to retries).")
  String startDelay;

  @Option(names = "--retry-initial-interval", paramLabel = "<duration>",
      description = "Interval before the first retry.")
  String retryInitialInterval;

  @Option(names = "--retry-maximum-interval", paramLabel = "<duration>",
      description = "Longest interval between retries.")
  String retryMaximumInterval;

  @Option(names = "--retry-backoff-coefficient", paramLabel = "<n>",
      description = "Growth of the retry interval (1 or more).")
  Double retryBackoffCoefficient;

  @Option(names = "--retry-maximum-attempts", paramLabel = "<n>",
      description = "Attempts at most (1: no retries; 0: unlimited).")
  Integer retryMaximumAttempts;

  @Option(names = "--id-reuse-policy", paramLabel = "<policy>",
      description = "When the id's activity has closed: AllowDuplicate, AllowDuplicateFailedOnly"
          + " or RejectDuplicate.")
  String idReusePolicy;

  @Option(names = "--id-conflict-policy", paramLabel = "<policy>",
      description = "When the id's activity is running: Fail or UseExisting.")
  String idConflictPolicy;

  @Option(names = "--search-attribute", paramLabel = "<key=json>",
      description = "A search attribute, KEY=JSON value; repeatable.")
  List<String> searchAttributes = new ArrayList<>();

  @Option(names = "--static-summary", paramLabel = "<text>",
      description = "A one-line summary shown in the UI (Markdown).")
  String summary;

  @Option(names = "--static-details", paramLabel = "<text>",
      description = "Details shown in the UI (Markdown).")
  String details;

  @Mixin PayloadInput input = new PayloadInput();

  /** The request, checking every flag; IllegalArgumentException names the one at fault. */
  StartActivityExecutionRequest request(String namespace, String identity) {
    if (scheduleToClose == null && startToClose == null) {
      throw new IllegalArgumentException(
          "either --start-to-close-timeout or --schedule-to-close-timeout is required");
    }
    var b = StartActivityExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setIdentity(identity)
        .setRequestId(UUID.randomUUID().toString())
        .setActivityId(activityId)
        .setActivityType(ActivityType.newBuilder().setName(type))
        .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue));
    if (scheduleToClose != null) {
      b.setScheduleToCloseTimeout(duration(scheduleToClose, "--schedule-to-close-timeout"));
    }
    if (scheduleToStart != null) {
      b.setScheduleToStartTimeout(duration(scheduleToStart, "--schedule-to-start-timeout"));
    }
    if (startToClose != null) {
      b.setStartToCloseTimeout(duration(startToClose, "--start-to-close-timeout"));
    }
    if (heartbeat != null) b.setHeartbeatTimeout(duration(heartbeat, "--heartbeat-timeout"));
    if (startDelay != null) b.setStartDelay(duration(startDelay, "--start-delay"));
    RetryPolicy.Builder retry = RetryPolicy.newBuilder();
    if (retryInitialInterval != null) {
      retry.setInitialInterval(duration(retryInitialInterval, "--retry-initial-interval"));
    }
    if (retryMaximumInterval != null) {
      retry.setMaximumInterval(duration(retryMaximumInterval, "--retry-maximum-interval"));
    }
    if (retryBackoffCoefficient != null) retry.setBackoffCoefficient(retryBackoffCoefficient);
    if (retryMaximumAttempts != null) retry.setMaximumAttempts(retryMaximumAttempts);
    if (!retry.build().equals(RetryPolicy.getDefaultInstance())) b.setRetryPolicy(retry);
    if (idReusePolicy != null) {
      b.setIdReusePolicy(Enums.parse(ActivityIdReusePolicy.class, "ACTIVITY_ID_REUSE_POLICY_",
          idReusePolicy, "--id-reuse-policy"));
    }
    if (idConflictPolicy != null) {
      b.setIdConflictPolicy(Enums.parse(ActivityIdConflictPolicy.class,
          "ACTIVITY_ID_CONFLICT_POLICY_", idConflictPolicy, "--id-conflict-policy"));
    }
    if (!searchAttributes.isEmpty()) {
      b.setSearchAttributes(StartOptions.searchAttributes(searchAttributes));
    }
    if (summary != null || details != null) {
      UserMetadata.Builder m = UserMetadata.newBuilder();
      if (summary != null) m.setSummary(text(summary));
      if (details != null) m.setDetails(text(details));
      b.setUserMetadata(m);
    }
    var payloads = input.payloads();
    if (payloads != null) b.setInput(payloads);
    return b.build();
  }

  private static com.google.protobuf.Duration duration(String text, String flag) {
    return StartOptions.proto(Durations.parse(text, flag));
  }

  /** A summary or details as the SDKs send them: a JSON string payload. */
  private static Payload text(String s) {
    return PayloadInput.payload(new com.google.gson.JsonPrimitive(s).toString(),
        Map.of("encoding", "json/plain"), false, "--static-summary");
  }
}
