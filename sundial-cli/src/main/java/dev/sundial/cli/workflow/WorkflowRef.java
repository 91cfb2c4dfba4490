package dev.sundial.cli.workflow;

import io.temporal.api.common.v1.WorkflowExecution;
import picocli.CommandLine.Option;

/** {@code -w/--workflow-id} and {@code -r/--run-id}, as the {@code temporal} CLI names them. */
public final class WorkflowRef {
  @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", required = true,
      description = "Workflow id.")
  String workflowId;

  @Option(names = {"-r", "--run-id"}, paramLabel = "<id>",
      description = "Run id. Default: the latest run.")
  String runId;

  WorkflowExecution execution() {
    WorkflowExecution.Builder b = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) b.setRunId(runId);
    return b.build();
  }
}
