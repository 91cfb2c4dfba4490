package dev.sundial.server.http;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code google.api.http} binding of an RPC: an HTTP method, a path template such as {@code
 * /namespaces/{namespace}/workflows/{execution.workflow_id}/history}, and where the body goes.
 */
record HttpRoute(
    String httpMethod,
    String template,
    List<Segment> segments,
    String body, // "" (no body: query parameters bind), "*" (the whole request), or a field name
    MethodDescriptor<Message, Message> rpc,
    Message requestPrototype) {

  /** A literal path segment, or a variable bound to a field path of the request. */
  record Segment(String literal, List<String> fieldPath) {
    boolean isVariable() {
      return fieldPath != null;
    }
  }

  static HttpRoute of(
      String httpMethod, String template, String body,
      MethodDescriptor<Message, Message> rpc, Message requestPrototype) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("path template must start with /: " + template);
    }
    List<Segment> segments = new ArrayList<>();
    Descriptor type = requestPrototype.getDescriptorForType();
    for (String part : template.substring(1).split("/", -1)) {
      if (part.startsWith("{") && part.endsWith("}")) {
        String path = part.substring(1, part.length() - 1);
        if (path.contains("=")) {
          throw new IllegalArgumentException("unsupported path variable pattern: " + template);
        }
        List<String> fieldPath = List.of(path.split("\\."));
        checkFieldPath(type, fieldPath, template);
        segments.add(new Segment(null, fieldPath));
      } else {
        segments.add(new Segment(part, null));
      }
    }
    return new HttpRoute(httpMethod, template, List.copyOf(segments), body, rpc, requestPrototype);
  }

  private static void checkFieldPath(Descriptor type, List<String> path, String template) {
    Descriptor d = type;
    for (int i = 0; i < path.size(); i++) {
      FieldDescriptor f = TemporalJson.field(d, path.get(i));
      if (f == null) throw new IllegalArgumentException("no field " + path + " for " + template);
      if (i < path.size() - 1) d = f.getMessageType();
    }
  }

  int literalCount() {
    int n = 0;
    for (Segment s : segments) if (!s.isVariable()) n++;
    return n;
  }

  /** The variables bound by these decoded path segments, or null when the path does not match. */
  Map<List<String>, String> match(List<String> path) {
    if (path.size() != segments.size()) return null;
    Map<List<String>, String> vars = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      String part = path.get(i);
      if (s.isVariable()) {
        if (part.isEmpty()) return null;
        vars.put(s.fieldPath(), part);
      } else if (!s.literal().equals(part)) {
        return null;
      }
    }
    return vars;
  }
}
