package dev.sundial.server.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.server.security.InvalidCredentialsException;
import dev.sundial.server.security.OriginHeader;
import dev.sundial.server.security.Principal;
import dev.sundial.server.security.PrincipalHeader;
import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request: host check, then the UI's own endpoints, then the API routes (with the CSRF
 * check for writes from the UI), then the UI's static files. Errors are google.rpc.Status JSON.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);
  static final String JSON = "application/json";
  /** Request headers passed on to the RPC as gRPC metadata (as Temporal's HTTP API does). */
  private static final List<String> FORWARDED =
      List.of("authorization", "authorization-extras", "x-forwarded-for", "client-name",
          "client-version");
  private static final String METADATA_PREFIX = "grpc-metadata-";
  /** {@code ?pretty}: indented JSON, as Temporal's HTTP API offers. */
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private final HttpFrontend.Listener listener;
  private ApiInvoker.Pending inFlight;

  HttpRequestHandler(HttpFrontend.Listener listener) {
    this.listener = listener;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "malformed HTTP request");
      return;
    }
    if (!listener.hostAllowed(req.headers().get(HttpHeaderNames.HOST))) {
      sendStatus(ctx, req, Status.Code.PERMISSION_DENIED, "Host not allowed");
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    if (listener.metrics() != null) {
      listener.metrics().serve(this, ctx, req, uri.path(), listener.auth(), tlsSession(ctx));
      return;
    }
    List<String> segments = segments(uri.rawPath());
    if (segments == null) {
      sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, "malformed path");
      return;
    }
    Map<String, List<String>> query = uri.parameters();
    UiSite ui = listener.ui();
    String path = uri.path();
    UiLogin login = listener.login();
    if (login != null && UiLogin.handles(path)) {
      login.serve(this, ctx, req, path);
      return;
    }
    boolean admin = AdminHttp.handles(path) && listener.admin() != null;
    boolean uiEndpoint = ui != null && ui.handles(path);
    boolean api = ui == null || path.startsWith("/api/");
    if (!admin && !uiEndpoint && !api) {
      ui.serveStatic(this, ctx, req, path); // the UI's files: no caller needed
      return;
    }
    // Who calls, and from where: carried into the in-process gRPC server with the process's
    // proof, where the call is authorized and audited.
    Principal principal = null;
    HttpFrontend.Auth auth = listener.auth();
    if (auth != null) {
      // On the UI port a signed-in session speaks for the browser; otherwise the credentials.
      principal = login == null ? null : login.sessionPrincipal(req);
      if (principal == null) {
        try {
          principal = auth.authenticator().authenticate(
              req.headers().get(HttpHeaderNames.AUTHORIZATION), tlsSession(ctx));
        } catch (InvalidCredentialsException e) {
          sendStatus(ctx, req, Status.Code.UNAUTHENTICATED, e.getMessage());
          return;
        }
      }
    }
    Metadata callHeaders = metadata(req);
    if (auth != null) {
      PrincipalHeader.attach(callHeaders, principal, false, listener.proof());
    }
    if (listener.proof() != null) {
      OriginHeader.attach(callHeaders, new OriginHeader.Origin(ui == null ? "http" : "ui",
          OriginHeader.address(ctx.channel().remoteAddress()), false), listener.proof());
    }
    if (admin) {
      if (listener.csrf() && AdminHttp.writes(req) && !csrfTokenMatches(req)) {
        sendStatus(ctx, req, Status.Code.PERMISSION_DENIED,
            "missing or wrong CSRF token (X-CSRF-TOKEN must equal the _csrf cookie)");
        return;
      }
      listener.admin().serve(this, ctx, req, segments, query, callHeaders);
      return;
    }
    if (uiEndpoint) {
      ui.serve(this, ctx, req, path, segments, callHeaders, principal);
      return;
    }
    HttpRouter.Match match = listener.router().match(req.method().name(), segments);
    if (match == null) {
      if (listener.router().matchesOtherMethod(req.method().name(), segments)) {
        sendStatus(ctx, req, Status.Code.UNIMPLEMENTED, "Method Not Allowed");
      } else {
        sendStatus(ctx, req, Status.Code.NOT_FOUND, "Not Found");
      }
      return;
    }
    if (listener.csrf() && !isSafe(req.method()) && !csrfTokenMatches(req)) {
      sendStatus(ctx, req, Status.Code.PERMISSION_DENIED, "missing or wrong CSRF token (X-CSRF-TOKEN must equal the _csrf cookie)");
      return;
    }
    callApi(ctx, req, match, query, callHeaders);
  }

  private void callApi(
      ChannelHandlerContext ctx, FullHttpRequest req, HttpRouter.Match match,
      Map<String, List<String>> query, Metadata callHeaders) {
    // Temporal's HTTP API writes payloads in shorthand unless told not to; the official UI reads
    // long-form payloads (as its own server sends them), so the UI port writes long form.
    boolean noShorthand = query.containsKey("noPayloadShorthand");
    boolean writeShorthand = listener.ui() == null && !noShorthand;
    boolean pretty = query.containsKey("pretty");
    String body = req.content().toString(StandardCharsets.UTF_8);
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Long timeout;
    try {
      timeout = ApiInvoker.grpcTimeoutNanos(req.headers().get("Grpc-Timeout"));
    } catch (ApiInvoker.BindException e) {
      sendStatus(ctx, req, Status.Code.INVALID_ARGUMENT, e.getMessage());
      return;
    }
    ApiInvoker.Pending pending = listener.invoker()
        .invoke(match, body, query, callHeaders, timeout, !noShorthand, writeShorthand);
    inFlight = pending;
    pending.result().whenComplete((r, e) -> {
      inFlight = null;
      if (e != null) {
        log.warn("HTTP API call failed", e);
        send(ctx, keepAlive, 500, JSON, statusJson(13, "internal error").getBytes(StandardCharsets.UTF_8), null);
      } else {
        String json = pretty ? PRETTY.toJson(JsonParser.parseString(r.body())) : r.body();
        send(ctx, keepAlive, r.httpStatus(), JSON, json.getBytes(StandardCharsets.UTF_8), null);
      }
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    ApiInvoker.Pending p = inFlight;
    if (p != null) p.cancel(); // the client went away: end its long poll too
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof io.netty.handler.timeout.IdleStateEvent && inFlight == null) {
      ctx.close(); // idle, and no call waiting for its answer
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection error: {}", cause.toString());
    ctx.close();
  }

  private static Metadata metadata(FullHttpRequest req) {
    Metadata md = new Metadata();
    for (Map.Entry<String, String> h : req.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String key = null;
      if (FORWARDED.contains(name)) {
        key = name;
      } else if (name.startsWith(METADATA_PREFIX) && name.length() > METADATA_PREFIX.length()) {
        key = name.substring(METADATA_PREFIX.length());
      }
      if (key != null && !key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
          && !PrincipalHeader.reserved(key)) {
        try {
          md.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), h.getValue());
        } catch (IllegalArgumentException ignored) {
          // not a valid metadata key or value: dropped, as grpc-gateway does
        }
      }
    }
    return md;
  }

  private static SSLSession tlsSession(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession();
  }

  private static boolean isSafe(HttpMethod m) {
    return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS);
  }

  /** Double-submit cookie: the X-CSRF-TOKEN header must equal the _csrf cookie. */
  static boolean csrfTokenMatches(FullHttpRequest req) {
    String header = req.headers().get("X-CSRF-TOKEN");
    String cookie = UiSite.cookie(req, UiSite.CSRF_COOKIE);
    return header != null && cookie != null && !cookie.isEmpty()
        && MessageDigest.isEqual(
            header.getBytes(StandardCharsets.UTF_8), cookie.getBytes(StandardCharsets.UTF_8));
  }

  /** Raw path split on '/', each segment percent-decoded ('+' stays '+'); null if malformed. */
  static List<String> segments(String rawPath) {
    if (!rawPath.startsWith("/")) return null;
    List<String> out = new ArrayList<>();
    for (String s : rawPath.substring(1).split("/", -1)) {
      try {
        out.add(QueryStringDecoder.decodeComponent(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return out;
  }

  static String statusJson(int code, String message) {
    JsonObject o = new JsonObject();
    o.addProperty("code", code);
    o.addProperty("message", message);
    o.add("details", new JsonArray());
    return o.toString();
  }

  /** A google.rpc.Status body, with the HTTP status grpc-gateway gives its code. */
  void sendStatus(ChannelHandlerContext ctx, FullHttpRequest req, Status.Code code, String msg) {
    sendStatus(ctx, HttpUtil.isKeepAlive(req), code, msg);
  }

  void sendStatus(ChannelHandlerContext ctx, boolean keepAlive, Status.Code code, String msg) {
    send(ctx, keepAlive, HttpStatuses.fromGrpc(code.value()), JSON,
        statusJson(code.value(), msg).getBytes(StandardCharsets.UTF_8), null);
  }

  void send(ChannelHandlerContext ctx, boolean keepAlive, int status, String contentType,
      byte[] body, Map<String, String> headers) {
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    FullHttpResponse resp = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), buf);
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    resp.headers().set("X-Content-Type-Options", "nosniff");
    if (headers != null) headers.forEach((k, v) -> resp.headers().add(k, v));
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
    } else {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
