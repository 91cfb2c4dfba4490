package dev.sundial.cli.workflow;

import io.temporal.api.common.v1.WorkflowExecution;
import picocli.CommandLine.Option;

/**
 * One workflow ({@code -w/--workflow-id}, {@code -r/--run-id}) or, for bulk changes, every
 * workflow matching {@code -q/--query}: exactly one of the two, as {@code temporal} requires.
 */
public final class WorkflowTarget {
  @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", description = "Workflow id.")
  String workflowId;

  @Option(names = {"-r", "--run-id"}, paramLabel = "<id>", description = "Run id. Default: the latest run.")
  String runId;

  @Option(names = {"-q", "--query"}, paramLabel = "<query>",
      description = "Every workflow matching this visibility query (starts a batch job).")
  String query;

  @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation of a batch job.")
  boolean yes;

  @Option(names = "--rps", paramLabel = "<n>", description = "Batch job: workflows per second. Default: the server's.")
  Float rps;

  void validate() {
    if ((workflowId == null) == (query == null)) {
      throw new IllegalArgumentException("give either --workflow-id or --query");
    }
    if (query != null && runId != null) {
      throw new IllegalArgumentException("--run-id goes with --workflow-id, not --query");
    }
    if (rps != null && rps <= 0) {
      throw new IllegalArgumentException("--rps must be positive");
    }
  }

  boolean isBatch() {
    return query != null;
  }

  WorkflowExecution execution() {
    WorkflowExecution.Builder b = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) b.setRunId(runId);
    return b.build();
  }
}
