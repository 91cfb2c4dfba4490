package dev.sundial.server.audit;

import com.google.protobuf.Descriptors.FieldDescriptor;
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
    if (!string(request, "workflow_id").isEmpty()) {
      return workflow(string(request, "workflow_id"), string(request, "run_id"));
    }
    Message operations = message(request, "operations");
    if (operations != null) {
      Message start = message(operations, "start_workflow");
      if (start != null) return workflow(string(start, "workflow_id"), "");
    }
    if (!string(request, "schedule_id").isEmpty()) return "schedule:" + string(request, "schedule_id");
    if (!string(request, "job_id").isEmpty()) return "batch:" + string(request, "job_id");
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

  private static String string(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    return f != null && f.getType() == FieldDescriptor.Type.STRING && !f.isRepeated()
        ? (String) m.getField(f) : "";
  }

  /** A message field, or the first of a repeated one; null when absent. */
  private static Message message(Message m, String field) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(field);
    if (f == null || f.getType() != FieldDescriptor.Type.MESSAGE) return null;
    if (f.isRepeated()) {
      return m.getRepeatedFieldCount(f) == 0 ? null : (Message) m.getRepeatedField(f, 0);
    }
    return m.hasField(f) ? (Message) m.getField(f) : null;
  }
}
