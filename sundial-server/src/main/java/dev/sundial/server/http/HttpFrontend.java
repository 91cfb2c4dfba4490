package dev.sundial.server.http;

import dev.sundial.server.connections.ConnectionLimit;
import dev.sundial.server.security.Authenticator;
import dev.sundial.server.security.Sessions;
import dev.sundial.server.security.Users;
import io.grpc.ManagedChannel;
import io.grpc.ServiceDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sundial's HTTP listeners: Temporal's HTTP/JSON API port and the web UI port (the UI plus the
 * API under /api/v1). Both call the RPCs through one in-process gRPC channel.
 */
public final class HttpFrontend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFrontend.class);
  /** Request bodies above this are refused with 413 (gRPC's own message limit). */
  static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

  /** What the UI shows and how: default namespace, write actions, Sundial's extra JSON. */
  public record UiOptions(
      String defaultNamespace, boolean disableWriteActions, Function<String, String> sundialApi,
      Supplier<List<String>> notReadyReasons) {}

  /**
   * Authentication of HTTP calls: who a request's credentials (or UI session) name, carried into
   * the in-process gRPC server (see security.PrincipalHeader), where it is authorized.
   */
  public record Auth(Authenticator authenticator, Users users, Sessions sessions) {}

  /** The metrics listener: its address and the scrape it answers /metrics with. */
  public record Metrics(ListenerOptions listener, Supplier<String> scrape) {}

  /** One listener: address, and whether it serves the UI (then with the CSRF check). */
  public record ListenerOptions(String host, int port, boolean ui, Set<String> allowedHosts) {}

  private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("sundial-http-accept", true));
  private final EventLoopGroup workers = new NioEventLoopGroup(2, new DefaultThreadFactory("sundial-http", true));
  private final List<io.netty.channel.Channel> bound = new ArrayList<>();
  private int apiPort = -1;
  private int uiPort = -1;
  private int metricsPort = -1;
  private boolean uiBuilt;
  private Runnable onClose = () -> {};
  private long idleMillis;
  private ConnectionLimit connections;
  private SslContext tls; // null: plaintext
  private UiLogin login; // null: no UI, or authentication off

  private HttpFrontend() {}

  /**
   * Starts the listeners given (either may be null). {@code channel} reaches the gRPC services
   * in-process; a connection idle for {@code idleTimeout} with no call in flight is closed, and
   * one accepted past {@code connections} is closed at once. With {@code tls} both listeners
   * speak HTTPS only; with {@code auth} (null: off) every call is authenticated.
   */
  public static HttpFrontend start(ManagedChannel channel, ListenerOptions api,
      ListenerOptions ui, UiOptions uiOptions, Duration idleTimeout,
      ConnectionLimit connections, SslContext tls, String processProof, Auth auth,
      Metrics metrics) {
    HttpFrontend f = new HttpFrontend();
    f.tls = tls;
    f.onClose = channel::shutdownNow;
    f.idleMillis = idleTimeout.toMillis();
    f.connections = connections;
    try {
      TemporalJson json = new TemporalJson();
      ApiInvoker invoker = new ApiInvoker(channel, json);
      AdminHttp admin = new AdminHttp(invoker);
      List<ServiceDescriptor> services = List.of(
          WorkflowServiceGrpc.getServiceDescriptor(),
          OperatorServiceGrpc.getServiceDescriptor());
      if (api != null) {
        HttpRouter router = new HttpRouter(services, t -> true);
        f.apiPort = f.bind(new Listener(api, router, invoker, null, auth, null, processProof, admin));
      }
      if (ui != null) {
        HttpRouter router = new HttpRouter(services, t -> t.startsWith("/api/v1/"));
        UiSite site = new UiSite(uiOptions, channel, json, UiSite.ROOT, auth != null);
        f.uiBuilt = site.built();
        UiLogin login = auth == null ? null : new UiLogin(auth, tls != null);
        f.login = login;
        f.uiPort = f.bind(new Listener(ui, router, invoker, site, auth, login, processProof, admin));
      }
      if (metrics != null) {
        f.metricsPort = f.bind(new Listener(metrics.listener(), null, invoker, null, auth, null,
            processProof, null).serving(new MetricsSite(metrics.scrape(), uiOptions.notReadyReasons())));
      }
      return f;
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  public int apiPort() {
    return apiPort;
  }

  public int uiPort() {
    return uiPort;
  }

  /** The metrics port, or -1 when it is off. */
  public int metricsPort() {
    return metricsPort;
  }

  /** Whether the web UI's files are in this build (otherwise the UI port explains how to build). */
  public boolean uiBuilt() {
    return uiBuilt;
  }

  private int bind(Listener listener) {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (!connections.tryOpen()) {
              ch.close();
              return;
            }
            ch.closeFuture().addListener(closed -> connections.closed());
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline()
                // A connection with nothing read or written for this long is closed, unless a
                // call (a long poll) is in flight: see HttpRequestHandler.userEventTriggered.
                .addLast(new io.netty.handler.timeout.IdleStateHandler(
                    0, 0, idleMillis, TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec())
                .addLast(new HttpContentCompressor())
                .addLast(new BodyLimit())
                .addLast(new HttpRequestHandler(listener));
          }
        });
    try {
      io.netty.channel.Channel ch =
          b.bind(new InetSocketAddress(listener.options.host(), listener.options.port())).sync().channel();
      bound.add(ch);
      return ((InetSocketAddress) ch.localAddress()).getPort();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted binding HTTP", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen for HTTP on " + listener.options.host() + ":"
          + listener.options.port() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (io.netty.channel.Channel ch : bound) {
      ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (login != null) login.close();
    onClose.run();
  }

  /** Aggregates a request up to 4 MB; a larger one gets 413 with a google.rpc.Status body. */
  private static final class BodyLimit extends HttpObjectAggregator {
    BodyLimit() {
      super(MAX_BODY_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body = HttpRequestHandler.statusJson(8,
          "request body is larger than the limit of " + MAX_BODY_BYTES + " bytes")
          .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpRequestHandler.JSON);
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      if (io.netty.handler.codec.http.HttpUtil.isKeepAlive(oversized)) {
        // Answer now and keep the connection: the aggregator drops the rest of this body, so the
        // client, still sending it, reads the 413 instead of a reset.
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } else {
        resp.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** A listener's fixed parts, shared by its connections. */
  static final class Listener {
    final ListenerOptions options;
    private final HttpRouter router;
    private final ApiInvoker invoker;
    private final UiSite ui;
    private final Auth auth;
    private final UiLogin login;
    private final String proof;
    private final AdminHttp admin;
    private final Set<String> hosts = new HashSet<>();
    private MetricsSite metrics;
    private final boolean anyHost;

    Listener(ListenerOptions options, HttpRouter router, ApiInvoker invoker, UiSite ui, Auth auth,
        UiLogin login, String proof, AdminHttp admin) {
      this.options = options;
      this.admin = admin;
      this.proof = proof;
      this.auth = auth;
      this.login = login;
      this.router = router;
      this.invoker = invoker;
      this.ui = ui;
      boolean wildcard;
      try {
        wildcard = InetAddress.getByName(options.host()).isAnyLocalAddress();
      } catch (UnknownHostException e) {
        wildcard = false;
      }
      // Bound to every interface, any Host can be legitimate; on a named address only that
      // address, loopback names and configured names are (guards against DNS rebinding).
      this.anyHost = wildcard && options.allowedHosts().isEmpty();
      hosts.addAll(List.of("localhost", "127.0.0.1", "::1", "[::1]"));
      hosts.add(options.host().toLowerCase(Locale.ROOT));
      options.allowedHosts().forEach(h -> hosts.add(h.toLowerCase(Locale.ROOT)));
    }

    HttpRouter router() {
      return router;
    }

    ApiInvoker invoker() {
      return invoker;
    }

    UiSite ui() {
      return ui;
    }

    /** This listener serves only the metrics port's paths. */
    Listener serving(MetricsSite site) {
      this.metrics = site;
      return this;
    }

    /** The metrics port's site, or null on the API and UI ports. */
    MetricsSite metrics() {
      return metrics;
    }

    /** Authentication, or null when it is off. */
    Auth auth() {
      return auth;
    }

    /** Sundial's admin routes (/api/v1/sundial/...), or null. */
    AdminHttp admin() {
      return admin;
    }

    /**
     * The process's secret, which makes the in-process services trust the principal and origin
     * (transport, client address) this listener tells them.
     */
    String proof() {
      return proof;
    }

    /** UI sign-in, or null (the API port, or authentication off). */
    UiLogin login() {
      return login;
    }

    boolean csrf() {
      return ui != null;
    }

    boolean hostAllowed(String hostHeader) {
      if (anyHost) return true;
      if (hostHeader == null) return false;
      String h = hostHeader.toLowerCase(Locale.ROOT);
      if (h.startsWith("[")) {
        int end = h.indexOf(']');
        h = end < 0 ? h : h.substring(0, end + 1);
      } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
        h = h.substring(0, h.indexOf(':'));
      }
      return hosts.contains(h) || hosts.contains(h.replace("[", "").replace("]", ""));
    }
  }
}
