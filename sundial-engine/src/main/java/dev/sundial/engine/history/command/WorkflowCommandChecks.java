package dev.sundial.engine.history.command;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.workflow.CronSchedule;
import dev.sundial.engine.state.Durations;
import io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes;
import io.temporal.api.command.v1.StartChildWorkflowExecutionCommandAttributes;

/** Attribute checks for the commands that reach other workflows; null when valid. */
final class WorkflowCommandChecks {
  private WorkflowCommandChecks() {}

  static String child(EngineContext ctx, StartChildWorkflowExecutionCommandAttributes a) {
    if (a.getWorkflowId().isEmpty()) {
      return "WorkflowId is not set on StartChildWorkflowExecutionCommand.";
    }
    if (a.getWorkflowType().getName().isEmpty()) {
      return "WorkflowType is not set on StartChildWorkflowExecutionCommand.";
    }
    String ns = namespace(ctx, a.getNamespace());
    if (ns != null) return ns;
    if (Durations.isNegative(a.getWorkflowExecutionTimeout())
        || Durations.isNegative(a.getWorkflowRunTimeout())
        || Durations.isNegative(a.getWorkflowTaskTimeout())) {
      return "A timeout may not be negative on StartChildWorkflowExecutionCommand.";
    }
    if (!a.getCronSchedule().isEmpty()) {
      String cron = cron(a.getCronSchedule());
      if (cron != null) return cron;
    }
    if (a.getInput().getSerializedSize() > ctx.limits.maxPayloadBytes()) {
      return "Input exceeds the payload limit of " + ctx.limits.maxPayloadBytes() + " bytes.";
    }
    return null;
  }

  static String external(EngineContext ctx, String namespace, String workflowId) {
    if (workflowId.isEmpty()) {
      return "WorkflowId is not set on the external workflow command.";
    }
    return namespace(ctx, namespace);
  }

  static String continueAsNew(EngineContext ctx, ContinueAsNewWorkflowExecutionCommandAttributes a) {
    if (Durations.isNegative(a.getWorkflowRunTimeout())
        || Durations.isNegative(a.getWorkflowTaskTimeout())
        || Durations.isNegative(a.getBackoffStartInterval())) {
      return "A timeout may not be negative on ContinueAsNewWorkflowExecutionCommand.";
    }
    if (!a.getCronSchedule().isEmpty()) {
      String cron = cron(a.getCronSchedule());
      if (cron != null) return cron;
    }
    if (a.getInput().getSerializedSize() > ctx.limits.maxPayloadBytes()) {
      return "Input exceeds the payload limit of " + ctx.limits.maxPayloadBytes() + " bytes.";
    }
    return null;
  }

  private static String namespace(EngineContext ctx, String namespace) {
    if (namespace.isEmpty()) return null;
    try {
      ctx.namespaces.byName(namespace);
      return null;
    } catch (RuntimeException e) {
      return "Namespace " + namespace + " is not found.";
    }
  }

  static String cron(String cron) {
    try {
      CronSchedule.parse(cron);
      return null;
    } catch (IllegalArgumentException e) {
      return "Invalid CronSchedule: " + e.getMessage();
    }
  }
}
