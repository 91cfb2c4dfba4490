package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of {@code temporal workflow start}, shared by start, execute and signal-with-start. */
public final class StartOptions {
  @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>",
      description = "Workflow id. Default: a random UUID.")
  String workflowId;

  @Option(names = {"--type", "--name"}, paramLabel = "<type>", required = true,
      description = "Workflow type.")
  String type;

  @Option(names = {"-t", "--task-queue"}, paramLabel = "<queue>", required = true,
      description = "Task queue the workflow's workers poll.")
  String taskQueue;

  @Option(names = "--run-timeout", paramLabel = "<duration>", description = "Run timeout.")
  String runTimeout;

  @Option(names = "--execution-timeout", paramLabel = "<duration>",
      description = "Execution timeout (all runs, retries and continue-as-new included).")
  String executionTimeout;

  @Option(names = "--task-timeout", paramLabel = "<duration>",
      description = "Workflow task timeout. Default: 10s.")
  String taskTimeout = "10s";

  @Option(names = "--search-attribute", paramLabel = "<key=json>",
      description = "A search attribute, KEY=JSON value; repeatable.")
  List<String> searchAttributes = new ArrayList<>();

  @Option(names = "--memo", paramLabel = "<key=json>", description = "A memo field, KEY=JSON; repeatable.")
  List<String> memo = new ArrayList<>();

  @Option(names = "--cron", paramLabel = "<spec>", description = "Cron schedule, e.g. '0 * * * *'.")
  String cron;

  @Option(names = "--start-delay", paramLabel = "<duration>",
      description = "Wait this long before the first workflow task.")
  String startDelay;

  @Option(names = "--id-reuse-policy", paramLabel = "<policy>",
      description = "AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate or TerminateIfRunning.")
  String idReusePolicy;

  @Option(names = "--id-conflict-policy", paramLabel = "<policy>",
      description = "Fail, UseExisting or TerminateExisting.")
  String idConflictPolicy;

  @Mixin PayloadInput input = new PayloadInput();

  /** The request, checking every flag; IllegalArgumentException names the one at fault. */
  StartWorkflowExecutionRequest.Builder request(String namespace, String identity) {
    var b = StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowId(workflowId != null ? workflowId : UUID.randomUUID().toString())
        .setWorkflowType(WorkflowType.newBuilder().setName(type))
        .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
        .setRequestId(UUID.randomUUID().toString())
        .setIdentity(identity)
        .setWorkflowTaskTimeout(proto(Durations.parse(taskTimeout, "--task-timeout")));
    if (runTimeout != null) {
      b.setWorkflowRunTimeout(proto(Durations.parse(runTimeout, "--run-timeout")));
    }
    if (executionTimeout != null) {
      b.setWorkflowExecutionTimeout(proto(Durations.parse(executionTimeout, "--execution-timeout")));
    }
    if (startDelay != null) {
      b.setWorkflowStartDelay(proto(Durations.parse(startDelay, "--start-delay")));
    }
    if (cron != null) {
      b.setCronSchedule(cron);
    }
    if (idReusePolicy != null) {
      b.setWorkflowIdReusePolicy(Enums.parse(WorkflowIdReusePolicy.class,
          "WORKFLOW_ID_REUSE_POLICY_", idReusePolicy, "--id-reuse-policy"));
    }
    if (idConflictPolicy != null) {
      b.setWorkflowIdConflictPolicy(Enums.parse(WorkflowIdConflictPolicy.class,
          "WORKFLOW_ID_CONFLICT_POLICY_", idConflictPolicy, "--id-conflict-policy"));
    }
    var payloads = input.payloads();
    if (payloads != null) {
      b.setInput(payloads);
    }
    if (!memo.isEmpty()) {
      Memo.Builder m = Memo.newBuilder();
      memo.forEach(kv -> {
        var e = PayloadInput.keyJson(kv, "--memo");
        m.putFields(e.getKey(), e.getValue());
      });
      b.setMemo(m);
    }
    if (!searchAttributes.isEmpty()) {
      SearchAttributes.Builder sa = SearchAttributes.newBuilder();
      searchAttributes.forEach(kv -> {
        var e = PayloadInput.keyJson(kv, "--search-attribute");
        sa.putIndexedFields(e.getKey(), e.getValue());
      });
      b.setSearchAttributes(sa);
    }
    return b;
  }

  static com.google.protobuf.Duration proto(java.time.Duration d) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
