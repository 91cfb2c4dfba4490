package dev.sundial.server.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Turns a routed HTTP request into its RPC request (body, path variables and query parameters
 * bound as grpc-gateway binds them) and calls the RPC through an in-process channel, so an HTTP
 * call takes exactly the path of its gRPC twin: the same interceptors (cluster forwarding, and
 * later auth and metrics), the same validation and errors. Calls are asynchronous: a long poll
 * parks no thread.
 */
final class ApiInvoker {
  /** Query parameters that steer the HTTP layer itself and are never request fields. */
  private static final List<String> CONTROL_PARAMS = List.of("pretty", "noPayloadShorthand");

  private final Channel channel;
  private final TemporalJson json;

  ApiInvoker(Channel channel, TemporalJson json) {
    this.channel = channel;
    this.json = json;
  }

  /** The outcome of one call: the HTTP status and the JSON body (a response or a Status). */
  record Result(int httpStatus, String body) {}

  /** A call in flight; {@link #cancel()} ends it when the HTTP client goes away. */
  record Pending(CompletableFuture<Result> result, Future<?> call) {
    void cancel() {
      if (call != null) call.cancel(true);
    }
  }

  Pending invoke(
      HttpRouter.Match match, String body, Map<String, List<String>> query,
      Metadata headers, Long timeoutNanos, boolean readShorthand, boolean shorthand) {
    HttpRoute route = match.route();
    Message request;
    try {
      request = bind(route, match.pathVariables(), body, query, readShorthand);
    } catch (BindException e) {
      return new Pending(
          CompletableFuture.completedFuture(error(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException(), shorthand)),
          null);
    }
    return call(route.rpc(), request, headers, timeoutNanos, shorthand);
  }

  /**
   * Calls one RPC in-process with these headers; the result is its response as JSON, or the
   * google.rpc.Status of its failure.
   */
  <Q extends Message, R extends Message> Pending call(MethodDescriptor<Q, R> method, Q request,
      Metadata headers, Long timeoutNanos, boolean shorthand) {
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    CallOptions options = timeoutNanos == null ? CallOptions.DEFAULT
        : CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
    ClientCall<Q, R> call = withHeaders.newCall(method, options);
    var future = ClientCalls.futureUnaryCall(call, request);
    CompletableFuture<Result> result = new CompletableFuture<>();
    future.addListener(
        () -> {
          try {
            result.complete(new Result(200, json.print(future.get(), shorthand)));
          } catch (ExecutionException e) {
            result.complete(error(e.getCause(), shorthand));
          } catch (CancellationException e) {
            result.complete(error(Status.CANCELLED.withDescription("call cancelled").asRuntimeException(), shorthand));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.complete(error(e, shorthand));
          } catch (RuntimeException e) {
            result.complete(error(e, shorthand));
          }
        },
        Runnable::run);
    return new Pending(result, future);
  }

  Result error(Throwable t, boolean shorthand) {
    return error(json, t, shorthand);
  }

  /** A google.rpc.Status body with grpc-gateway's HTTP status for the code. */
  static Result error(TemporalJson json, Throwable t, boolean shorthand) {
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status == null) {
      Status s = Status.fromThrowable(t);
      status = com.google.rpc.Status.newBuilder()
          .setCode(s.getCode().value())
          .setMessage(s.getDescription() == null ? s.getCode().name() : s.getDescription())
          .build();
    }
    return new Result(HttpStatuses.fromGrpc(status.getCode()), json.print(status, shorthand));
  }

  /**
   * The {@code Grpc-Timeout} header as grpc-gateway reads it ("1S", "500m": a number and one of
   * H M S m u n); null when absent.
   */
  static Long grpcTimeoutNanos(String header) throws BindException {
    if (header == null) return null;
    String h = header.strip();
    if (h.length() < 2 || h.length() > 9) throw new BindException("invalid Grpc-Timeout header: " + header);
    long value;
    try {
      value = Long.parseLong(h.substring(0, h.length() - 1));
    } catch (NumberFormatException e) {
      throw new BindException("invalid Grpc-Timeout header: " + header);
    }
    long unit = switch (h.charAt(h.length() - 1)) {
      case 'H' -> 3_600_000_000_000L;
      case 'M' -> 60_000_000_000L;
      case 'S' -> 1_000_000_000L;
      case 'm' -> 1_000_000L;
      case 'u' -> 1_000L;
      case 'n' -> 1L;
      default -> throw new BindException("invalid Grpc-Timeout header: " + header);
    };
    if (value < 0) throw new BindException("invalid Grpc-Timeout header: " + header);
    return Math.multiplyExact(value, unit);
  }

  // ------------------------------------------------------------------ binding

  static final class BindException extends Exception {
    BindException(String message) {
      super(message);
    }
  }

  private Message bind(
      HttpRoute route, Map<List<String>, String> pathVariables, String body,
      Map<String, List<String>> query, boolean shorthand) throws BindException {
    Descriptor type = route.requestPrototype().getDescriptorForType();
    JsonObject tree = new JsonObject();
    if (!route.body().isEmpty() && body != null && !body.isBlank()) {
      JsonElement parsed;
      try {
        parsed = JsonParser.parseString(body);
      } catch (JsonSyntaxException e) {
        throw new BindException("malformed JSON body: " + rootMessage(e));
      }
      if (route.body().equals("*")) {
        if (!parsed.isJsonObject()) {
          throw new BindException("request body must be a JSON object");
        }
        tree = parsed.getAsJsonObject();
      } else {
        put(tree, type, List.of(route.body().split("\\.")), parsed);
      }
    }
    if (!route.body().equals("*")) {
      for (Map.Entry<String, List<String>> q : query.entrySet()) {
        if (CONTROL_PARAMS.contains(q.getKey())) continue;
        bindQueryParameter(tree, type, q.getKey(), q.getValue());
      }
    }
    for (Map.Entry<List<String>, String> v : pathVariables.entrySet()) {
      put(tree, type, v.getKey(), new JsonPrimitive(v.getValue()));
    }
    Message.Builder builder = route.requestPrototype().newBuilderForType();
    try {
      json.merge(tree, builder, shorthand);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new BindException("invalid request: " + rootMessage(e));
    }
    return builder.build();
  }

  /** {@code execution.runId=...}: a field path, by proto or JSON names; unknown ones are ignored. */
  private static void bindQueryParameter(
      JsonObject tree, Descriptor type, String key, List<String> values) throws BindException {
    List<String> path = List.of(key.split("\\."));
    Descriptor d = type;
    FieldDescriptor leaf = null;
    for (int i = 0; i < path.size(); i++) {
      FieldDescriptor f = TemporalJson.field(d, path.get(i));
      if (f == null) return; // as grpc-gateway: a parameter that names no field is ignored
      if (i < path.size() - 1) {
        if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isRepeated()) return;
        d = f.getMessageType();
      }
      leaf = f;
    }
    if (leaf.isMapField()
        || (leaf.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && !leaf.getMessageType().getFullName().startsWith("google.protobuf."))) {
      throw new BindException("query parameter " + key + " names a message field; send it in a body");
    }
    JsonElement value;
    if (leaf.isRepeated()) {
      JsonArray arr = new JsonArray();
      for (String v : values) arr.add(v);
      value = arr;
    } else {
      value = new JsonPrimitive(values.get(values.size() - 1));
    }
    put(tree, type, path, value);
  }

  /** Sets a field path in a JSON tree, under JSON names, replacing any proto-name spelling. */
  private static void put(JsonObject root, Descriptor type, List<String> path, JsonElement value)
      throws BindException {
    JsonObject obj = root;
    Descriptor d = type;
    for (int i = 0; i < path.size(); i++) {
      FieldDescriptor f = TemporalJson.field(d, path.get(i));
      if (f == null) throw new BindException("no field " + String.join(".", path));
      String key = f.getJsonName();
      JsonElement alias = obj.remove(f.getName());
      if (alias != null && !obj.has(key)) obj.add(key, alias);
      if (i == path.size() - 1) {
        obj.add(key, value);
        return;
      }
      JsonElement child = obj.get(key);
      if (child == null || !child.isJsonObject()) {
        child = new JsonObject();
        obj.add(key, child);
      }
      obj = child.getAsJsonObject();
      d = f.getMessageType();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = e.getMessage() != null ? e.getMessage() : t.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
