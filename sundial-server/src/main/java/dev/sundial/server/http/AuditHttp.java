package dev.sundial.server.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/sundial/audit}: the audit log over HTTP, on the API and UI ports, through
 * the admin service's ListAuditRecords (so the same authorization applies). Query parameters:
 * {@code principal}, {@code namespace}, {@code operation}, {@code target}, {@code startTime},
 * {@code endTime} (RFC 3339), {@code pageSize}, {@code nextPageToken}.
 */
final class AuditHttp {
  static final String PATH = "/api/v1/sundial/audit";
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

  private final Channel channel;
  private final TemporalJson json;

  AuditHttp(Channel channel, TemporalJson json) {
    this.channel = channel;
    this.json = json;
  }

  void serve(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req,
      Map<String, List<String>> query, Metadata callHeaders) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.method().equals(HttpMethod.GET)) {
      h.sendStatus(ctx, req, Status.Code.UNIMPLEMENTED, "Method Not Allowed");
      return;
    }
    ListAuditRecordsRequest request;
    try {
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
      request = b.build();
    } catch (ParseException | IllegalArgumentException e) {
      h.sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "bad query parameter: " + e.getMessage());
      return;
    }
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(callHeaders));
    var future = ClientCalls.futureUnaryCall(withHeaders.newCall(AdminApi.LIST_AUDIT_RECORDS,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)), request);
    future.addListener(() -> {
      try {
        String body = PRINTER.print(future.get());
        h.send(ctx, keepAlive, 200, HttpRequestHandler.JSON, body.getBytes(StandardCharsets.UTF_8), null);
      } catch (ExecutionException e) {
        var r = ApiInvoker.error(json, e.getCause(), false);
        h.send(ctx, keepAlive, r.httpStatus(), HttpRequestHandler.JSON,
            r.body().getBytes(StandardCharsets.UTF_8), null);
      } catch (InterruptedException | InvalidProtocolBufferException e) {
        h.sendStatus(ctx, keepAlive, Status.Code.INTERNAL, e.toString());
      }
    }, Runnable::run);
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
  }
}
