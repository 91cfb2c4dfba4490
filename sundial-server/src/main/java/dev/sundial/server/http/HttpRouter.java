package dev.sundial.server.http;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Routes HTTP requests to RPCs by the {@code google.api.http} annotations carried in the service
 * descriptors (the primary binding and every additional one), so no route is written by hand.
 */
public final class HttpRouter {
  /** A matched route with its path variables (field path to decoded value). */
  record Match(HttpRoute route, Map<List<String>, String> pathVariables) {}

  /**
   * Bindings of the API before version 1.39, which renamed or dropped them; clients built on it
   * still call them (the web UI 2.38 completes and fails activities by id through the first two).
   * All are POST with the whole request as body, under /namespaces and /api/v1/namespaces.
   */
  private static final Map<String, String> LEGACY_BINDINGS = Map.ofEntries(
      Map.entry("/namespaces/{namespace}/activities/complete-by-id", "RespondActivityTaskCompletedById"),
      Map.entry("/namespaces/{namespace}/activities/fail-by-id", "RespondActivityTaskFailedById"),
      Map.entry("/namespaces/{namespace}/activities/cancel-by-id", "RespondActivityTaskCanceledById"),
      Map.entry("/namespaces/{namespace}/activities/heartbeat-by-id", "RecordActivityTaskHeartbeatById"),
      Map.entry("/namespaces/{namespace}/activities/complete", "RespondActivityTaskCompleted"),
      Map.entry("/namespaces/{namespace}/activities/fail", "RespondActivityTaskFailed"),
      Map.entry("/namespaces/{namespace}/activities/cancel", "RespondActivityTaskCanceled"),
      Map.entry("/namespaces/{namespace}/activities/heartbeat", "RecordActivityTaskHeartbeat"),
      Map.entry("/namespaces/{namespace}/activities/pause", "PauseActivity"),
      Map.entry("/namespaces/{namespace}/activities/unpause", "UnpauseActivity"),
      Map.entry("/namespaces/{namespace}/activities/reset", "ResetActivity"),
      Map.entry("/namespaces/{namespace}/activities/update-options", "UpdateActivityOptions"),
      Map.entry("/namespaces/{namespace}/workflows/execute-multi-operation", "ExecuteMultiOperation"));

  private final Map<String, List<HttpRoute>> byMethodAndLength = new HashMap<>();
  private final List<HttpRoute> all = new ArrayList<>();

  /** Routes of these services whose path template passes {@code accept}. */
  public HttpRouter(List<ServiceDescriptor> services, Predicate<String> accept) {
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        if (method.getType() != MethodDescriptor.MethodType.UNARY) continue;
        var proto = ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor();
        @SuppressWarnings("unchecked")
        MethodDescriptor<Message, Message> rpc = (MethodDescriptor<Message, Message>) method;
        Message prototype =
            (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
        if (proto.getOptions().hasExtension(AnnotationsProto.http)) {
          HttpRule rule = proto.getOptions().getExtension(AnnotationsProto.http);
          add(rule, rpc, prototype, accept);
          for (HttpRule extra : rule.getAdditionalBindingsList()) {
            add(extra, rpc, prototype, accept);
          }
        }
        LEGACY_BINDINGS.forEach((template, name) -> {
          if (name.equals(method.getBareMethodName())) {
            for (String t : List.of(template, "/api/v1" + template)) {
              add(HttpRule.newBuilder().setPost(t).setBody("*").build(), rpc, prototype, accept);
            }
          }
        });
      }
    }
    // Where two templates match one path, the one with more literal segments wins
    // (".../workflows/execute-multi-operation" over ".../workflows/{workflow_id}").
    byMethodAndLength.values()
        .forEach(l -> l.sort((a, b) -> b.literalCount() - a.literalCount()));
  }

  private void add(
      HttpRule rule, MethodDescriptor<Message, Message> rpc, Message prototype,
      Predicate<String> accept) {
    String method;
    String template;
    switch (rule.getPatternCase()) {
      case GET -> { method = "GET"; template = rule.getGet(); }
      case POST -> { method = "POST"; template = rule.getPost(); }
      case PUT -> { method = "PUT"; template = rule.getPut(); }
      case DELETE -> { method = "DELETE"; template = rule.getDelete(); }
      case PATCH -> { method = "PATCH"; template = rule.getPatch(); }
      default -> { return; }
    }
    if (!accept.test(template)) return;
    HttpRoute route = HttpRoute.of(method, template, rule.getBody(), rpc, prototype);
    all.add(route);
    byMethodAndLength
        .computeIfAbsent(method + " " + route.segments().size(), k -> new ArrayList<>())
        .add(route);
  }

  public int size() {
    return all.size();
  }

  List<HttpRoute> routes() {
    return List.copyOf(all);
  }

  /** The route for this method and decoded path segments, or null. */
  Match match(String httpMethod, List<String> path) {
    List<HttpRoute> candidates = byMethodAndLength.get(httpMethod + " " + path.size());
    if (candidates == null) return null;
    for (HttpRoute r : candidates) {
      Map<List<String>, String> vars = r.match(path);
      if (vars != null) return new Match(r, vars);
    }
    return null;
  }

  /** Whether any route has this path under another HTTP method (405 rather than 404). */
  boolean matchesOtherMethod(String httpMethod, List<String> path) {
    for (HttpRoute r : all) {
      if (!r.httpMethod().equals(httpMethod) && r.match(path) != null) return true;
    }
    return false;
  }
}
