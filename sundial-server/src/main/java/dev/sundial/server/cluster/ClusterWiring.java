package dev.sundial.server.cluster;

import dev.sundial.engine.Engine;
import dev.sundial.engine.cluster.Ownership;
import io.grpc.BindableService;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a node of a PostgreSQL-backed cluster adds to a plain server: its identity, the link to
 * the other nodes, request forwarding, the internal service, and a readiness health status
 * ({@value #READY_SERVICE}) that is SERVING while the node holds every shard assigned to it.
 */
public final class ClusterWiring implements AutoCloseable {
  public static final String READY_SERVICE = "sundial.cluster.ready";

  private final String nodeId;
  private final String address;
  private final String secret;
  private final GrpcClusterLink link;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sundial-cluster-routing");
    t.setDaemon(true);
    return t;
  });

  /**
   * Node id and advertised address, defaulted from the host name and the gRPC port. Without a
   * port or an address the node cannot be called by others: it then only makes sense alone. The
   * secret (from the database) is presented on, and required of, node-to-node calls, which use
   * TLS with {@code nodeTls} (null: plaintext); {@code metrics} (or null) sees each of them.
   */
  public ClusterWiring(String nodeId, String advertiseAddress, String host, int port,
      String clusterSecret, SslContext nodeTls, String nodeServerName, ClientInterceptor metrics) {
    this.secret = clusterSecret;
    this.link = new GrpcClusterLink(clusterSecret, nodeTls, nodeServerName, metrics);
    if (port <= 0 && advertiseAddress == null) {
      // Embedded without a socket (or on a port picked at bind time): a member the others cannot
      // call. Fine alone; next to other nodes it must have a real address.
      this.nodeId = nodeId != null ? nodeId : localHostName() + "-" + UUID.randomUUID();
      this.address = "unreachable:" + this.nodeId;
      return;
    }
    String reachableHost = host;
    if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
      reachableHost = localHostName();
    }
    this.address = advertiseAddress != null ? advertiseAddress : reachableHost + ":" + port;
    this.nodeId = nodeId != null ? nodeId : localHostName() + "-" + port;
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  public Engine.ClusterConfig config() {
    Ownership.Timing d = Ownership.Timing.defaults();
    Ownership.Timing timing = new Ownership.Timing(
        Long.getLong("sundial.cluster.tickMillis", d.tickMillis()),
        Long.getLong("sundial.cluster.leaseMillis", d.leaseMillis()),
        Long.getLong("sundial.cluster.nodeTimeoutMillis", d.nodeTimeoutMillis()));
    return new Engine.ClusterConfig(nodeId, address, link, timing);
  }

  /** The public service with forwarding to the owning node in front of it. */
  public ServerServiceDefinition forwarding(Engine engine, BindableService service) {
    return ServerInterceptors.intercept(
        service, new ForwardingInterceptor(engine, link, address, scheduler));
  }

  public ServerServiceDefinition internalService(Engine engine) {
    return InternalService.definition(engine, secret);
  }

  /** Keeps the readiness status in step with shard ownership. */
  public void publishReadiness(Engine engine, HealthStatusManager health) {
    scheduler.scheduleWithFixedDelay(() -> health.setStatus(READY_SERVICE,
            engine.ownership().isReady() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING),
        0, 250, TimeUnit.MILLISECONDS);
  }

  /** The cluster's secret, which proves a call comes from one of its nodes. */
  public String secret() {
    return secret;
  }

  public String nodeId() {
    return nodeId;
  }

  public String address() {
    return address;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    link.close();
  }
}
