package dev.sundial.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sundial.engine.cluster.Partitions;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.Sundial;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.cluster.ClusterWiring;
import dev.sundial.server.security.AuthConfig;
import dev.sundial.server.security.InternodeTls;
import dev.sundial.server.security.JwtAuthenticator;
import dev.sundial.server.security.TestCertificates;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization in a 2-node cluster: a call that reaches the node not owning its workflow is
 * authorized there and relayed with its principal; the owner trusts that principal only from a
 * node (the cluster's secret), so a caller cannot pose as a relaying node.
 */
class ClusterAuthTest extends ClusterTestSupport {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Sundial node(ClusterDatabase db, String id, int port, AuthConfig auth) {
    return Sundial.builder().postgres(PostgresConfig.parse(db.nodeUrl())).nodeId(id)
        .grpc("127.0.0.1", port).shards(Cluster.SHARDS).auth(auth).start();
  }

  private static String key(Sundial node, String name, String role) {
    return ClientCalls.blockingUnaryCall(node.newInProcessChannel(), AdminApi.CREATE_API_KEY,
        CallOptions.DEFAULT, CreateApiKeyRequest.newBuilder().setName(name).addRoles(role).build())
        .getKey();
  }

  private static StartWorkflowExecutionRequest start(String id) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace(Cluster.NAMESPACE)
        .setWorkflowId(id).setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("q")).setRequestId(UUID.randomUUID().toString())
        .build();
  }

  private static boolean ready(Sundial node) {
    return HealthGrpc.newBlockingStub(node.newInProcessChannel()).withDeadlineAfter(1, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(ClusterWiring.READY_SERVICE).build())
        .getStatus() == HealthCheckResponse.ServingStatus.SERVING;
  }

  /** Waits until both nodes are ready and own shards, and returns the live owners. */
  private static Map<Integer, String> settled(ClusterDatabase db, Sundial n1, Sundial n2) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Map<Integer, String> owners = db.liveOwners();
      if (owners.size() == Cluster.SHARDS && owners.containsValue("n1") && owners.containsValue("n2")
          && ready(n1) && ready(n2)) {
        return owners;
      }
      assertThat(System.nanoTime()).as("both nodes own shards").isLessThan(deadline);
      ClusterNodeProcess.pause(100);
    }
  }

  private static String idOwnedBy(String namespaceId, Map<Integer, String> owners, String node,
      String prefix) {
    Predicate<String> owned = id -> node.equals(owners.get(Partitions.shardOf(namespaceId, id, Cluster.SHARDS)));
    for (int i = 0; ; i++) {
      if (owned.test(prefix + i)) return prefix + i;
    }
  }

  @Test
  void aRelayedCallIsAuthorizedWhereItArrivesAndCarriesItsPrincipal() throws Exception {
    ClusterDatabase db = ClusterDatabase.createFresh("clusterauth");
    ManagedChannel raw = null;
    try (db;
        Sundial n1 = node(db, "n1", freePort(), AuthConfig.apiKeys(null));
        // n2 does not even accept API keys: it serves calls relayed with an API key's principal
        // only because it trusts the principal n1 verified, and never authenticates them again.
        Sundial n2 = node(db, "n2", freePort(), new AuthConfig(Set.of(AuthConfig.Method.JWT),
            new JwtAuthenticator.Config(null, null,
                "a shared secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8), null, null),
            List.of(), null))) {
      Map<Integer, String> owners = settled(db, n1, n2);
      String writer = key(n1, "writer", "default:write");
      String reader = key(n1, "reader", "default:read");
      String namespaceId = Cluster.namespaceId(n1.newWorkflowServiceStubs());
      String remote = idOwnedBy(namespaceId, owners, "n2", "relayed-");
      String local = idOwnedBy(namespaceId, owners, "n1", "local-");

      // The official SDK with its API key option, connected to n1 only.
      stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
          .setTarget("127.0.0.1:" + n1.grpcPort()).addApiKey(() -> writer)
          .setEnableHttps(false) // the SDK turns TLS on with an API key unless told otherwise
          .build());
      var client = stubs.blockingStub().withDeadlineAfter(20, TimeUnit.SECONDS);
      for (String id : List.of(remote, local)) {
        assertThat(retryingUnavailable(() -> client.startWorkflowExecution(start(id))).getRunId())
            .as(id).isNotEmpty();
      }
      // Both runs exist where they belong: n2 answers for the relayed one from its own shard.
      var atN2 = WorkflowServiceGrpc.newBlockingStub(n2.newInProcessChannel());
      assertThat(atN2.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace(Cluster.NAMESPACE).setExecution(WorkflowExecution.newBuilder()
              .setWorkflowId(remote)).build()).getWorkflowExecutionInfo().getExecution()
          .getWorkflowId()).isEqualTo(remote);

      // A reader is refused at n1, whichever node owns the workflow, and may still read.
      raw = NettyChannelBuilder.forAddress("127.0.0.1", n1.grpcPort()).usePlaintext().build();
      var asReader = stub(raw, "Bearer " + reader);
      for (String id : List.of(idOwnedBy(namespaceId, owners, "n2", "refused-"), remote)) {
        var e = catchThrowableOfType(StatusRuntimeException.class,
            () -> retryingUnavailable(() -> asReader.startWorkflowExecution(start(id))));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      }
      assertThat(asReader.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace(Cluster.NAMESPACE).setExecution(WorkflowExecution.newBuilder()
              .setWorkflowId(remote)).build()).getWorkflowExecutionInfo().getExecution()
          .getWorkflowId()).isEqualTo(remote);

      // Posing as a relaying node without the cluster's secret is refused at n2.
      ManagedChannel toN2 = NettyChannelBuilder.forAddress("127.0.0.1", n2.grpcPort()).usePlaintext().build();
      try {
        Metadata forged = new Metadata();
        forged.put(Metadata.Key.of("sundial-forwarded-by", Metadata.ASCII_STRING_MARSHALLER), "n1");
        forged.put(Metadata.Key.of("sundial-principal", Metadata.ASCII_STRING_MARSHALLER),
            "eyJzdWIiOiJtYWxsb3J5IiwidHlwZSI6ImFwaS1rZXkiLCJzeXN0ZW0iOiJBRE1JTiIsIm5hbWVzcGFjZXMiOnt9fQ");
        forged.put(Metadata.Key.of("sundial-principal-proof", Metadata.ASCII_STRING_MARSHALLER), "guess");
        forged.put(Metadata.Key.of("sundial-principal-authorized", Metadata.ASCII_STRING_MARSHALLER), "true");
        var e = catchThrowableOfType(StatusRuntimeException.class, () ->
            WorkflowServiceGrpc.newBlockingStub(ClientInterceptors.intercept(toN2,
                    MetadataUtils.newAttachHeadersInterceptor(forged)))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .startWorkflowExecution(start("forged-" + remote)));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        toN2.shutdownNow();
      }
    } finally {
      if (raw != null) raw.shutdownNow();
    }
  }

  /**
   * As an SDK does: UNAVAILABLE (a node's view of shard ownership still settling) is retried, for
   * up to 30 s.
   */
  private static <T> T retryingUnavailable(Supplier<T> call) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  @Test
  void nodesCallEachOtherOverMutualTls(@TempDir Path dir) throws Exception {
    TestCertificates.Pki pki = TestCertificates.writeSet(dir);
    ClusterDatabase db = ClusterDatabase.createFresh("clustertls");
    InternodeTls internode = new InternodeTls(pki.caFile(), null);
    try (db;
        Sundial n1 = Sundial.builder().postgres(PostgresConfig.parse(db.nodeUrl())).nodeId("n1")
            .grpc("127.0.0.1", freePort()).shards(Cluster.SHARDS).tls(pki.mutualTls())
            .internodeTls(internode).auth(AuthConfig.apiKeys(null)).start();
        Sundial n2 = Sundial.builder().postgres(PostgresConfig.parse(db.nodeUrl())).nodeId("n2")
            .grpc("127.0.0.1", freePort()).shards(Cluster.SHARDS).tls(pki.mutualTls())
            .internodeTls(internode).auth(AuthConfig.apiKeys(null)).start()) {
      Map<Integer, String> owners = settled(db, n1, n2);
      String writer = key(n1, "writer", "default:write");
      String namespaceId = Cluster.namespaceId(n1.newWorkflowServiceStubs());
      String remote = idOwnedBy(namespaceId, owners, "n2", "over-tls-");
      SslContext ssl = GrpcSslContexts.forClient().trustManager(pki.caFile().toFile())
          .keyManager(pki.clientFiles().cert().toFile(), pki.clientFiles().key().toFile()).build();
      stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
          .setTarget("localhost:" + n1.grpcPort()).setSslContext(ssl).addApiKey(() -> writer).build());
      var client = stubs.blockingStub().withDeadlineAfter(20, TimeUnit.SECONDS);
      // Relayed from n1 to n2 over mutual TLS (n2 requires a client certificate).
      assertThat(retryingUnavailable(() -> client.startWorkflowExecution(start(remote))).getRunId())
          .isNotEmpty();
      var atN2 = WorkflowServiceGrpc.newBlockingStub(n2.newInProcessChannel());
      assertThat(atN2.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
          .setNamespace(Cluster.NAMESPACE).setExecution(WorkflowExecution.newBuilder()
              .setWorkflowId(remote)).build()).getWorkflowExecutionInfo().getExecution()
          .getWorkflowId()).isEqualTo(remote);
    }
  }

  private static WorkflowServiceGrpc.WorkflowServiceBlockingStub stub(ManagedChannel c, String auth) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), auth);
    return WorkflowServiceGrpc.newBlockingStub(ClientInterceptors.intercept(c,
        MetadataUtils.newAttachHeadersInterceptor(md))).withDeadlineAfter(20, TimeUnit.SECONDS);
  }
}
