package dev.sundial.cli.workflow;

import com.google.protobuf.Duration;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.NewWorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of {@code temporal workflow start} that schedules share too (the workflow to run);
 * {@link StartOnlyOptions} has those of a direct start.
 */
public final class StartOptions {
  /** The workflow id to use when --workflow-id is not given (null: a random UUID). */
  public String defaultWorkflowId;

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

  @Mixin PayloadInput input = new PayloadInput();

  /** The request, checking every flag; IllegalArgumentException names the one at fault. */
  public StartWorkflowExecutionRequest.Builder request(String namespace, String identity) {
    var b = StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowId(workflowId != null ? workflowId
            : defaultWorkflowId != null ? defaultWorkflowId : UUID.randomUUID().toString())
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
      b.setSearchAttributes(searchAttributes(searchAttributes));
    }
    return b;
  }

  /** {@code --search-attribute KEY=JSON} flags as search attributes. */
  public static SearchAttributes searchAttributes(List<String> flags) {
    SearchAttributes.Builder sa = SearchAttributes.newBuilder();
    flags.forEach(kv -> {
      var e = PayloadInput.keyJson(kv, "--search-attribute");
      sa.putIndexedFields(e.getKey(), e.getValue());
    });
    return sa.build();
  }

  /** The same as a schedule's action: what each scheduled start runs. */
  public NewWorkflowExecutionInfo newWorkflow() {
    var r = request("n", "i").build();
    var b = NewWorkflowExecutionInfo.newBuilder()
        .setWorkflowId(r.getWorkflowId()).setWorkflowType(r.getWorkflowType())
        .setTaskQueue(r.getTaskQueue()).setWorkflowTaskTimeout(r.getWorkflowTaskTimeout());
    if (r.hasInput()) b.setInput(r.getInput());
    if (r.hasWorkflowRunTimeout()) b.setWorkflowRunTimeout(r.getWorkflowRunTimeout());
    if (r.hasWorkflowExecutionTimeout()) b.setWorkflowExecutionTimeout(r.getWorkflowExecutionTimeout());
    if (r.hasMemo()) b.setMemo(r.getMemo());
    if (r.hasSearchAttributes()) b.setSearchAttributes(r.getSearchAttributes());
    return b.build();
  }

  public static Duration proto(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }
}
