package dev.sundial.server.http;

import dev.sundial.server.security.InvalidCredentialsException;
import dev.sundial.server.security.Principal;
import io.grpc.Status;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLSession;

/**
 * The metrics port: {@code /metrics} in the Prometheus text format (with authentication on, for
 * callers with a system role: metrics name every namespace and task queue), {@code /health} and
 * {@code /ready}.
 */
final class MetricsSite {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Supplier<String> scrape;
  private final Supplier<List<String>> notReadyReasons;

  MetricsSite(Supplier<String> scrape, Supplier<List<String>> notReadyReasons) {
    this.scrape = scrape;
    this.notReadyReasons = notReadyReasons;
  }

  void serve(HttpRequestHandler h, ChannelHandlerContext ctx, FullHttpRequest req, String path,
      HttpFrontend.Auth auth, SSLSession tls) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
      h.sendStatus(ctx, req, Status.Code.UNIMPLEMENTED, "Method Not Allowed");
      return;
    }
    if (HealthEndpoints.handles(path)) {
      HealthEndpoints.serve(h, ctx, keepAlive, path, notReadyReasons);
      return;
    }
    if (!path.equals("/metrics")) {
      h.sendStatus(ctx, req, Status.Code.NOT_FOUND, "Not Found");
      return;
    }
    if (auth != null) {
      Principal p;
      try {
        p = auth.authenticator().authenticate(req.headers().get(HttpHeaderNames.AUTHORIZATION), tls);
      } catch (InvalidCredentialsException e) {
        h.sendStatus(ctx, req, Status.Code.UNAUTHENTICATED, e.getMessage());
        return;
      }
      if (p.isAnonymous()) {
        h.sendStatus(ctx, req, Status.Code.UNAUTHENTICATED,
            "no credentials: /metrics needs a bearer token or client certificate with a system role");
        return;
      }
      if (p.systemRole() == null) {
        h.sendStatus(ctx, req, Status.Code.PERMISSION_DENIED,
            "/metrics needs a system role (e.g. system:read)");
        return;
      }
    }
    h.send(ctx, keepAlive, 200, CONTENT_TYPE, scrape.get().getBytes(StandardCharsets.UTF_8), null);
  }
}
