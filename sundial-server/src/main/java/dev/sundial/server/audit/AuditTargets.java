package dev.sundial.server.audit;

import static dev.sundial.server.rpc.RequestFields.message;
import static dev.sundial.server.rpc.RequestFields.string;

import com.google.protobuf.Message;

/** What a change request acts on, as the audit log names it, and its request id. */
final class AuditTargets {
  private AuditTargets() {}

  /** e.g. {@code workflow:order-1/<run id>}, {@code schedule:nightly}, {@code namespace:orders}. */
  static String of(String method, Message request) {
    if (request == null) return "";
    Message execution = message(request, "workflow_execution");
    if (execution == null) execution = message(request, "execution");
    if (execution != null) {
      return workflow(string(execution, "workflow_id"), string(execution, "run_id"));
    }
    String workflowId = string(request, "workflow_id");
    if (!workflowId.isEmpty()) return workflow(workflowId, string(request, "run_id"));
    Message operations = message(request, "operations");
    if (operations != null) {
      Message start = message(operations, "start_workflow");
      if (start != null) return workflow(string(start, "workflow_id"), "");
    }
    String schedule = string(request, "schedule_id");
    if (!schedule.isEmpty()) return "schedule:" + schedule;
    String job = string(request, "job_id");
    if (!job.isEmpty()) return "batch:" + job;
    if (method.endsWith("ApiKey")) {
      String key = string(request, "name");
      return "api-key:" + (key.isEmpty() ? string(request, "id") : key);
    }
    if (method.endsWith("User")) return "user:" + string(request, "name");
    if (method.contains("SearchAttributes")) return "search-attributes";
    String namespace = string(request, "namespace");
    return namespace.isEmpty() ? "" : "namespace:" + namespace;
  }

  static String requestId(Message request) {
    return request == null ? "" : string(request, "request_id");
  }

  static String namespace(Message request) {
    return request == null ? "" : string(request, "namespace");
  }

  private static String workflow(String id, String run) {
    return "workflow:" + id + (run.isEmpty() ? "" : "/" + run);
  }
}
