package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Enums;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import picocli.CommandLine.Option;

/** Flags of a direct start that a schedule's action does not take (as temporal's workflow-start set). */
public final class StartOnlyOptions {
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

  /** Adds these flags to the request; IllegalArgumentException names a bad one. */
  StartWorkflowExecutionRequest.Builder apply(StartWorkflowExecutionRequest.Builder b) {
    if (startDelay != null) {
      b.setWorkflowStartDelay(StartOptions.proto(Durations.parse(startDelay, "--start-delay")));
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
    return b;
  }
}
