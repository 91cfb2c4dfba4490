package dev.sundial.server;

import dev.sundial.engine.Engine;
import dev.sundial.engine.metrics.Meters;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.postgres.PostgresStore;
import dev.sundial.server.audit.AuditInterceptor;
import dev.sundial.server.audit.AuditLog;
import dev.sundial.server.cluster.ClusterStatus;
import dev.sundial.server.cluster.ClusterWiring;
import dev.sundial.server.connections.ConnectionLimit;
import dev.sundial.server.connections.GrpcEventLoops;
import dev.sundial.server.connections.GrpcServerLogs;
import dev.sundial.server.connections.LimitedGrpcServerChannel;
import dev.sundial.server.frontend.AdminFrontend;
import dev.sundial.server.frontend.InboundChecks;
import dev.sundial.server.frontend.LoadShedding;
import dev.sundial.server.frontend.OperatorFrontend;
import dev.sundial.server.frontend.SystemInfo;
import dev.sundial.server.frontend.WorkflowFrontend;
import dev.sundial.server.http.HttpFrontend;
import dev.sundial.server.logging.RequestLogInterceptor;
import dev.sundial.server.metrics.ServerMetrics;
import dev.sundial.server.security.ApiKeys;
import dev.sundial.server.security.AuthConfig;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.Authenticator;
import dev.sundial.server.security.CertificateRoles;
import dev.sundial.server.security.Exposure;
import dev.sundial.server.security.JwtAuthenticator;
import dev.sundial.server.security.ServerTls;
import dev.sundial.server.security.Sessions;
import dev.sundial.server.security.Users;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds and tears down a running Sundial: store, engine, in-process and socket gRPC servers. */
final class SundialBootstrap {
  private static final Logger log = LoggerFactory.getLogger(SundialBootstrap.class);

  private SundialBootstrap() {}

  static Sundial start(Sundial.Builder b) {
    Exposure.check(listeners(b), b.tls != null, b.auth != null, b.allowInsecure);
    if (b.auth != null && b.auth.has(AuthConfig.Method.MTLS)
        && (b.tls == null || b.tls.clientCaFile() == null)) {
      throw new IllegalArgumentException("--auth mtls needs TLS with a client CA (--tls-client-ca)");
    }
    StoreOptions storeOptions = b.storeOptions();
    if (b.tls != null && b.internodeTls == null && storeOptions.kind() == StoreOptions.Kind.POSTGRES) {
      // Nodes call each other on the gRPC port: with TLS there they must trust each other's
      // certificates. Refused before the database is touched.
      throw new IllegalStateException("a PostgreSQL (cluster) node with TLS needs --internode-tls-ca"
          + " (the CA of the nodes' certificates) for the calls nodes make to each other");
    }
    if (b.internodeTls != null && b.tls == null) {
      throw new IllegalArgumentException("--internode-tls-ca needs TLS (--tls-cert, --tls-key):"
          + " a node presents its certificate to the others");
    }
    ServerTls tls = b.tls == null ? null : ServerTls.start(b.tls, b.internodeTls, b.tlsReloadEvery);
    Store store;
    try {
      store = storeOptions.open(b.migrate);
    } catch (RuntimeException e) {
      if (tls != null) tls.close();
      throw e;
    }
    String location = storeOptions.location();
    ServerMetrics metrics = ServerMetrics.create(b.meterRegistry, b.metricsPort >= 0);
    Store engineStore = metrics == null ? store : metrics.store(store);
    MeterRegistry meters = metrics == null ? Meters.none() : metrics.registry();
    if (metrics != null && storeOptions.kind() == StoreOptions.Kind.SQLITE_FILE) {
      metrics.walOf(storeOptions.file());
    }
    Engine engine;
    // Every node of a PostgreSQL-backed deployment is a cluster member (possibly the only one).
    ClusterWiring cluster = null;
    try {
      if (store instanceof PostgresStore) {
        cluster = new ClusterWiring(b.nodeId, b.advertiseAddress, b.grpcHost, b.grpcPort,
            store.clusterSecret(), tls == null ? null : tls.nodeClientContext(),
            b.internodeTls == null ? null : b.internodeTls.serverName(),
            metrics == null ? null : metrics.clientCalls());
        engine = new Engine(engineStore, b.clock, b.shards, b.limits,
            cluster.config(), meters, b.metricLimits);
        log.info("cluster node {} at {}", cluster.nodeId(), cluster.address());
      } else {
        engine = new Engine(engineStore, b.clock, b.shards, b.limits, null, meters,
            b.metricLimits);
      }
      if (b.minRetention != null) {
        engine.namespaces().setMinRetention(b.minRetention);
      }
      for (String ns : b.namespaces) {
        engine.namespaces().ensure(ns);
      }
    } catch (IOException | RuntimeException e) {
      if (cluster != null) cluster.close();
      store.close();
      if (tls != null) tls.close();
      if (e instanceof IOException io) throw new UncheckedIOException(io);
      throw (RuntimeException) e;
    }
    ApiKeys apiKeys = new ApiKeys(store.apiKeys(), b.clock);
    Users users = new Users(store.users(), b.clock);
    AuditLog audit = new AuditLog(store.audit(), b.clock, b.auditWorkerCalls, b.auditRetention);
    Authenticator authenticator;
    try {
      authenticator = authenticator(b, apiKeys);
    } catch (RuntimeException e) {
      audit.close();
      engine.close();
      if (cluster != null) cluster.close();
      store.close();
      if (tls != null) tls.close();
      throw e;
    }
    // Proves to the in-process server that a principal was authenticated by this process's HTTP
    // frontend (see PrincipalHeader).
    String processProof = UUID.randomUUID() + "-" + UUID.randomUUID();
    WorkflowFrontend frontend = new WorkflowFrontend(engine, b.visibilityLimits,
        SystemInfo.clusterInfo(
            b.shards, store instanceof PostgresStore));
    int payloadLimit = engine.context().limits.maxPayloadBytes();
    var shedding = new LoadShedding();
    List<ServerServiceDefinition> services = List.of(
        cluster == null ? frontend.bindService() : cluster.forwarding(engine, frontend),
        new OperatorFrontend(engine).bindService(),
        new AdminFrontend(apiKeys, users, audit, b.logLevels).bindService());
    // Each server guards its services with its own authentication: the in-process one trusts the
    // embedding application and this process's HTTP frontend, the socket one a relaying node.
    List<ServerServiceDefinition> inProcessServices = new ArrayList<>();
    List<ServerServiceDefinition> socketServices = new ArrayList<>();
    List<String> inProcessProofs = List.of(processProof);
    List<String> socketProofs = cluster == null ? List.of() : List.of(cluster.secret());
    // The node's name in log lines: the cluster node id, or none on a single server.
    RequestLogInterceptor requestLog =
        new RequestLogInterceptor(cluster == null ? null : cluster.nodeId());
    // One set of request meters for both servers (and the HTTP frontend, through in-process).
    ServerInterceptor requestMetrics =
        metrics == null ? null : metrics.requests(engine.namespaces()::knows);
    for (ServerServiceDefinition service : services) {
      inProcessServices.add(measured(InboundChecks.wrap(ServerInterceptors.intercept(
              guarded(service, authenticator, audit, true, inProcessProofs), requestLog),
          payloadLimit, b.requestArrivalTimeout, shedding), requestMetrics));
      socketServices.add(measured(InboundChecks.wrap(ServerInterceptors.intercept(
              guarded(service, authenticator, audit, false, socketProofs), requestLog),
          payloadLimit, b.requestArrivalTimeout, shedding), requestMetrics));
    }
    if (metrics != null) {
      metrics.beforeScrape(engine.metrics::refresh);
    }
    HealthStatusManager health = new HealthStatusManager();
    String inProcessName = "sundial-" + UUID.randomUUID();
    Server inProcess = null;
    Server socket = null;
    GrpcEventLoops grpcLoops = null;
    HttpFrontend http = null;
    ConnectionLimit connections = new ConnectionLimit(b.maxConnections);
    GrpcServerLogs.install();
    try {
      InProcessServerBuilder ib = InProcessServerBuilder.forName(inProcessName);
      inProcessServices.forEach(ib::addService);
      inProcess =
          ib
              .addService(health.getHealthService())
              .maxInboundMessageSize(InboundChecks.MAX_MESSAGE_BYTES)
              .build()
              .start();
      if (b.grpcPort >= 0) {
        grpcLoops = new GrpcEventLoops();
        NettyServerBuilder nb =
            NettyServerBuilder.forAddress(new InetSocketAddress(b.grpcHost, b.grpcPort))
                // Connections past the limit are closed as they are accepted.
                .channelFactory(() -> new LimitedGrpcServerChannel(connections))
                .bossEventLoopGroup(grpcLoops.boss)
                .workerEventLoopGroup(grpcLoops.workers);
        if (tls != null) {
          nb.sslContext(tls.grpcContext());
        }
        if (cluster != null) {
          nb.addService(cluster.internalService(engine));
        }
        socketServices.forEach(nb::addService);
        socket =
            nb
                .addService(health.getHealthService())
                .maxInboundMessageSize(InboundChecks.MAX_MESSAGE_BYTES)
                .permitKeepAliveWithoutCalls(true)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                // A connection must finish the HTTP/2 handshake (preface and SETTINGS) within
                // 20 s; idle and half-open connections (a preface and nothing more) are closed.
                .handshakeTimeout(Math.min(20_000, b.connectionIdleTimeout.toMillis()), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(b.connectionIdleTimeout.toMillis(), TimeUnit.MILLISECONDS)
                // As Temporal's frontend: connections are recycled every 5 minutes, with a grace
                // longer than a long poll so that none is cut.
                .maxConnectionAge(5, TimeUnit.MINUTES)
                .maxConnectionAgeGrace(70, TimeUnit.SECONDS)
                .maxConcurrentCallsPerConnection(Sundial.MAX_CONCURRENT_CALLS_PER_CONNECTION)
                .build()
                .start();
      }
      if (b.httpPort >= 0 || b.uiPort >= 0 || b.metricsPort >= 0) {
        http = startHttp(b, inProcessName, store, engine, cluster, connections,
            tls == null ? null : tls.httpContext(), processProof,
            authenticator == null ? null
                : new HttpFrontend.Auth(authenticator, users, new Sessions()), metrics);
      }
    } catch (IOException | RuntimeException e) {
      // Whatever started is stopped again, in reverse order.
      if (socket != null) socket.shutdownNow();
      if (grpcLoops != null) grpcLoops.close();
      if (inProcess != null) inProcess.shutdownNow();
      if (tls != null) tls.close();
      audit.close();
      engine.close();
      if (cluster != null) cluster.close();
      store.close();
      if (metrics != null) metrics.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot start gRPC on " + b.grpcHost + ":" + b.grpcPort, io);
      }
      throw (RuntimeException) e;
    }
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    health.setStatus(
        "temporal.api.workflowservice.v1.WorkflowService",
        HealthCheckResponse.ServingStatus.SERVING);
    Running running =
        new Running(store, engine, inProcess, socket, inProcessName, b.grpcHost, location, health);
    running.http = http;
    running.grpcLoops = grpcLoops;
    running.tls = tls;
    running.audit = audit;
    running.metrics = metrics;
    running.watchWrites();
    if (cluster != null) {
      running.cluster = cluster;
      try {
        engine.joinCluster(); // only now: others relay to this node once it holds a shard
      } catch (RuntimeException e) {
        running.close();
        throw e;
      }
      cluster.publishReadiness(engine, health);
    }
    log.info("Sundial started: data {}, gRPC {}", location,
        socket == null ? "in-process only" : b.grpcHost + ":" + socket.getPort());
    return new Sundial(running);
  }

  /** The HTTP API and UI listeners, calling the services through their own in-process channel. */
  private static HttpFrontend startHttp(Sundial.Builder b,
      String inProcessName, Store store, Engine engine, ClusterWiring cluster,
      ConnectionLimit connections, SslContext tls, String processProof, HttpFrontend.Auth auth,
      ServerMetrics metrics) {
    ManagedChannel channel =
        InProcessChannelBuilder.forName(inProcessName)
            .maxInboundMessageSize(InboundChecks.MAX_MESSAGE_BYTES)
            .directExecutor()
            .build();
    var status = new ClusterStatus(
        store, b.clock, cluster == null ? null : cluster.nodeId(), b.shards);
    var uiOptions = new HttpFrontend.UiOptions(
        "default", false, path -> path.equals("/cluster") ? status.json() : null,
        () -> notReadyReasons(store, engine, cluster));
    Set<String> hosts = Set.copyOf(b.httpAllowedHosts);
    try {
      return HttpFrontend.start(channel,
          b.httpPort < 0 ? null
              : new HttpFrontend.ListenerOptions(b.httpHost, b.httpPort, false, hosts),
          b.uiPort < 0 ? null
              : new HttpFrontend.ListenerOptions(b.uiHost, b.uiPort, true, hosts),
          uiOptions, b.connectionIdleTimeout, connections, tls, processProof, auth,
          b.metricsPort < 0 ? null : new HttpFrontend.Metrics(
              new HttpFrontend.ListenerOptions(b.metricsHost, b.metricsPort, false, hosts),
              metrics::scrape));
    } catch (RuntimeException e) {
      channel.shutdownNow(); // start() closes it too; this covers a failure before that
      throw e;
    }
  }

  /**
   * Why the server is not ready to serve (empty: ready): database writes fail, or a cluster node
   * does not hold its shards yet. Migrations are applied before the server starts at all.
   */
  private static List<String> notReadyReasons(Store store, Engine engine, ClusterWiring cluster) {
    List<String> reasons = new ArrayList<>();
    String problem = store.writeProblem();
    if (problem != null) reasons.add("database writes fail: " + problem);
    if (cluster != null && engine.ownership() != null && !engine.ownership().isReady()) {
      reasons.add("this cluster node does not hold its shards yet");
    }
    return reasons;
  }

  /** A service counted and timed in front of everything else (when metrics are recorded). */
  private static ServerServiceDefinition measured(ServerServiceDefinition service,
      ServerInterceptor requestMetrics) {
    return requestMetrics == null ? service : ServerInterceptors.intercept(service, requestMetrics);
  }

  /** A service behind authentication (when on) and then the audit log. */
  private static ServerServiceDefinition guarded(ServerServiceDefinition service,
      Authenticator authenticator, AuditLog audit, boolean inProcess, List<String> proofs) {
    ServerServiceDefinition audited =
        ServerInterceptors.intercept(service, new AuditInterceptor(audit, inProcess, proofs));
    return authenticator == null ? audited : ServerInterceptors.intercept(audited,
        new AuthInterceptor(authenticator, inProcess, proofs, audit));
  }

  /** The authentication the builder asks for, or null; registers the bootstrap admin key. */
  private static Authenticator authenticator(Sundial.Builder b, ApiKeys apiKeys) {
    if (b.auth == null) return null;
    AuthConfig a = b.auth;
    if (a.bootstrapAdminKeyFile() != null) {
      apiKeys.bootstrap(a.bootstrapAdminKeyFile());
      log.info("bootstrap admin API key from {} is registered", a.bootstrapAdminKeyFile());
    }
    return new Authenticator(
        a.has(AuthConfig.Method.API_KEY) ? apiKeys : null,
        a.has(AuthConfig.Method.JWT) ? new JwtAuthenticator(a.jwt()) : null,
        a.has(AuthConfig.Method.MTLS) ? CertificateRoles.parse(a.certificateRoles()) : null);
  }

  /** Every listener this builder opens beyond the in-process one. */
  private static List<Exposure.Listener> listeners(Sundial.Builder b) {
    List<Exposure.Listener> l = new ArrayList<>();
    if (b.grpcPort >= 0) l.add(new Exposure.Listener("gRPC", b.grpcHost, b.grpcPort));
    if (b.httpPort >= 0) l.add(new Exposure.Listener("HTTP API", b.httpHost, b.httpPort));
    if (b.uiPort >= 0) l.add(new Exposure.Listener("web UI", b.uiHost, b.uiPort));
    if (b.metricsPort >= 0) l.add(new Exposure.Listener("metrics", b.metricsHost, b.metricsPort));
    return l;
  }

  /** The live parts of a started Sundial. */
  static final class Running {
    private final Store store;
    private final Engine engine;
    private final Server inProcess;
    private final Server socket;
    private final String inProcessName;
    private final String host;
    private final String location;
    private final HealthStatusManager health;
    private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final ScheduledExecutorService readiness =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "sundial-readiness");
          t.setDaemon(true);
          return t;
        });
    private volatile boolean writable = true;

    /**
     * Health says NOT_SERVING while database writes fail (a full disk, an I/O error, a lost
     * PostgreSQL connection), with the reason in the log, and SERVING again once a write
     * succeeds: meanwhile a harmless probe write is tried every second, so the server comes back
     * by itself when the cause is gone, whether or not clients write.
     */
    void watchWrites() {
      long[] lastProbe = {0};
      readiness.scheduleWithFixedDelay(() -> {
        String problem = store.writeProblem();
        if (problem != null && !closed && System.nanoTime() - lastProbe[0] >= 1_000_000_000L) {
          lastProbe[0] = System.nanoTime();
          try {
            store.probeWrite();
          } catch (RuntimeException stillFailing) {
            // writeProblem() says why; logged once by the store
          }
          problem = store.writeProblem();
        }
        boolean ok = problem == null;
        if (ok == writable || closed) return;
        writable = ok;
        var status = ok ? HealthCheckResponse.ServingStatus.SERVING
            : HealthCheckResponse.ServingStatus.NOT_SERVING;
        if (ok) {
          log.info("ready again: database writes succeed");
        } else {
          log.warn("not ready: {}", problem);
        }
        health.setStatus("", status);
        health.setStatus("temporal.api.workflowservice.v1.WorkflowService", status);
      }, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** HTTP API and UI listeners, or null; closed before the gRPC servers. */
    volatile HttpFrontend http;
    /** The gRPC listener's event loops, or null; closed after the gRPC socket server. */
    volatile GrpcEventLoops grpcLoops;
    /** Cluster mode: closed after the engine has handed its shards over. */
    volatile AutoCloseable cluster;
    /** The TLS files' watch, or null; closed with the listeners. */
    volatile ServerTls tls;
    /** Closed after the listeners, so the last outcomes are written. */
    volatile AuditLog audit;
    /** Where metrics are recorded, or null; closed last. */
    volatile ServerMetrics metrics;

    Running(Store store, Engine engine, Server inProcess, Server socket, String inProcessName,
        String host, String location, HealthStatusManager health) {
      this.store = store;
      this.engine = engine;
      this.inProcess = inProcess;
      this.socket = socket;
      this.inProcessName = inProcessName;
      this.host = host;
      this.location = location;
      this.health = health;
    }

    ManagedChannel newInProcessChannel() {
      ManagedChannel c =
          InProcessChannelBuilder.forName(inProcessName)
              .maxInboundMessageSize(InboundChecks.MAX_MESSAGE_BYTES)
              .build();
      channels.add(c);
      return c;
    }

    WorkflowServiceStubs newWorkflowServiceStubs() {
      return WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setChannel(newInProcessChannel()).build());
    }

    int httpPort() {
      return http == null ? -1 : http.apiPort();
    }

    int uiPort() {
      return http == null ? -1 : http.uiPort();
    }

    int metricsPort() {
      return http == null ? -1 : http.metricsPort();
    }

    boolean uiBuilt() {
      return http != null && http.uiBuilt();
    }

    int grpcPort() {
      return socket == null ? -1 : socket.getPort();
    }

    String grpcHost() {
      return host;
    }

    String dataLocation() {
      return location;
    }

    Engine engine() {
      return engine;
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      readiness.shutdownNow();
      health.enterTerminalState();
      if (http != null) {
        http.close();
      }
      if (socket != null) {
        socket.shutdown();
      }
      inProcess.shutdown();
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }
      try {
        if (socket != null && !socket.awaitTermination(2, TimeUnit.SECONDS)) {
          socket.shutdownNow();
        }
        if (!inProcess.awaitTermination(2, TimeUnit.SECONDS)) {
          inProcess.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (grpcLoops != null) {
        grpcLoops.close();
      }
      if (tls != null) {
        tls.close();
      }
      if (audit != null) {
        audit.close();
      }
      engine.close();
      if (cluster != null) {
        try {
          cluster.close();
        } catch (Exception e) {
          log.warn("closing cluster links failed: {}", e.toString());
        }
      }
      store.close();
      if (metrics != null) {
        metrics.close();
      }
      log.info("Sundial stopped");
    }
  }
}
