package dev.sundial.server.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.CreateUserRequest;
import dev.sundial.server.admin.proto.DeleteUserRequest;
import dev.sundial.server.admin.proto.GetLogLevelRequest;
import dev.sundial.server.admin.proto.ListApiKeysRequest;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import dev.sundial.server.admin.proto.ListUsersRequest;
import dev.sundial.server.admin.proto.RevokeApiKeyRequest;
import dev.sundial.server.admin.proto.SetLogLevelRequest;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sundial's administration API over HTTP (the API and UI ports), each route calling the admin
 * gRPC service in-process so that the same authorization and audit apply:
 * <pre>
 * GET    /api/v1/sundial/audit                  ListAuditRecords (query: principal, namespace,
 *                                               operation, target, startTime, endTime, pageSize,
 *                                               nextPageToken)
 * GET    /api/v1/sundial/api-keys               ListApiKeys
 * POST   /api/v1/sundial/api-keys               CreateApiKey (body: the request as JSON)
 * POST   /api/v1/sundial/api-keys/{id}/revoke   RevokeApiKey
 * GET    /api/v1/sundial/users                  ListUsers
 * POST   /api/v1/sundial/users                  CreateUser (body: the request as JSON)
 * DELETE /api/v1/sundial/users/{name}           DeleteUser
 * GET    /api/v1/sundial/log-level              GetLogLevel (query: logger; none: the root)
 * PUT    /api/v1/sundial/log-level              SetLogLevel (body: {"logger": ..., "level": ...})
 * </pre>
 */
final class AdminHttp {
  static final String PREFIX = "/api/v1/sundial/";
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final ApiInvoker invoker;

  AdminHttp(ApiInvoker invoker) {
    this.invoker = invoker;
  }

  static boolean handles(String path) {
    return path.startsWith(PREFIX);
  }

  /** Whether the route changes something (then the UI port checks its CSRF token). */
  static boolean writes(FullHttpRequest req) {
    String m = req.method().name();
    return !m.equals("GET") && !m.equals("HEAD");
  }

  void serve(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req,
      List<String> segments, Map<String, List<String>> query, Metadata callHeaders) {
    // segments: api, v1, sundial, <resource>, ...
    String method = req.method().name();
    List<String> rest = segments.subList(3, segments.size());
    String body = req.content().toString(StandardCharsets.UTF_8);
    try {
      if (rest.equals(List.of("audit")) && method.equals("GET")) {
        call(h, ctx, req, AdminApi.LIST_AUDIT_RECORDS, auditRequest(query), callHeaders);
      } else if (rest.equals(List.of("api-keys")) && method.equals("GET")) {
        call(h, ctx, req, AdminApi.LIST_API_KEYS, ListApiKeysRequest.getDefaultInstance(), callHeaders);
      } else if (rest.equals(List.of("api-keys")) && method.equals("POST")) {
        var b = CreateApiKeyRequest.newBuilder();
        PARSER.merge(body, b);
        call(h, ctx, req, AdminApi.CREATE_API_KEY, b.build(), callHeaders);
      } else if (rest.size() == 3 && rest.get(0).equals("api-keys") && rest.get(2).equals("revoke")
          && method.equals("POST")) {
        call(h, ctx, req, AdminApi.REVOKE_API_KEY,
            RevokeApiKeyRequest.newBuilder().setId(rest.get(1)).build(), callHeaders);
      } else if (rest.equals(List.of("users")) && method.equals("GET")) {
        call(h, ctx, req, AdminApi.LIST_USERS, ListUsersRequest.getDefaultInstance(), callHeaders);
      } else if (rest.equals(List.of("users")) && method.equals("POST")) {
        var b = CreateUserRequest.newBuilder();
        PARSER.merge(body, b);
        call(h, ctx, req, AdminApi.CREATE_USER, b.build(), callHeaders);
      } else if (rest.size() == 2 && rest.get(0).equals("users") && method.equals("DELETE")) {
        call(h, ctx, req, AdminApi.DELETE_USER,
            DeleteUserRequest.newBuilder().setName(rest.get(1)).build(), callHeaders);
      } else if (rest.equals(List.of("log-level")) && method.equals("GET")) {
        String logger = first(query, "logger");
        call(h, ctx, req, AdminApi.GET_LOG_LEVEL, GetLogLevelRequest.newBuilder()
            .setLogger(logger == null ? "" : logger).build(), callHeaders);
      } else if (rest.equals(List.of("log-level")) && method.equals("PUT")) {
        var b = SetLogLevelRequest.newBuilder();
        PARSER.merge(body, b);
        call(h, ctx, req, AdminApi.SET_LOG_LEVEL, b.build(), callHeaders);
      } else {
        h.sendStatus(ctx, req, Status.Code.NOT_FOUND, "Not Found");
      }
    } catch (InvalidProtocolBufferException | ParseException | IllegalArgumentException e) {
      h.sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "bad request: " + e.getMessage());
    }
  }

  private static ListAuditRecordsRequest auditRequest(Map<String, List<String>> query)
      throws ParseException {
    var b = ListAuditRecordsRequest.newBuilder();
    String v;
    if ((v = first(query, "principal")) != null) b.setPrincipal(v);
    if ((v = first(query, "namespace")) != null) b.setNamespace(v);
    if ((v = first(query, "operation")) != null) b.setOperation(v);
    if ((v = first(query, "target")) != null) b.setTarget(v);
    if ((v = first(query, "startTime")) != null) b.setStartTime(Timestamps.parse(v));
    if ((v = first(query, "endTime")) != null) b.setEndTime(Timestamps.parse(v));
    if ((v = first(query, "pageSize")) != null) b.setPageSize(Integer.parseInt(v));
    if ((v = first(query, "nextPageToken")) != null) {
      b.setNextPageToken(ByteString.copyFrom(Base64.getDecoder().decode(v)));
    }
    return b.build();
  }

  private <Q extends Message, R extends Message> void call(HttpRequestHandler h,
      ChannelHandlerContext ctx, FullHttpRequest req, MethodDescriptor<Q, R> method, Q request,
      Metadata callHeaders) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    invoker.call(method, request, callHeaders, DEADLINE_NANOS, false).result().thenAccept(r ->
        h.send(ctx, keepAlive, r.httpStatus(), HttpRequestHandler.JSON,
            r.body().getBytes(StandardCharsets.UTF_8), null));
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
  }
}
