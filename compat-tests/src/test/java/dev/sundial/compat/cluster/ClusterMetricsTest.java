package dev.sundial.compat.cluster;

import static dev.sundial.compat.metrics.PromCheck.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.CompatServer;
import dev.sundial.compat.metrics.PromCheck;
import dev.sundial.engine.cluster.Partitions;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A two-node cluster's metrics: the shards each node serves add up to the cluster's, shard
 * acquisitions and membership changes are counted, leases are renewed, and a call relayed from
 * one node to the other shows as a client call of the first.
 */
class ClusterMetricsTest extends ClusterTestSupport {
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Sundial node(ClusterDatabase db, String id) throws IOException {
    return Sundial.builder().postgres(PostgresConfig.parse(db.nodeUrl())).nodeId(id)
        .grpc("127.0.0.1", freePort()).shards(Cluster.SHARDS).metrics("127.0.0.1", 0).start();
  }

  private static Map<String, PromCheck.Family> scrape(Sundial node) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return PromCheck.parse(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shardsMembershipLeasesAndRelayedCallsAreCounted() throws Exception {
    ClusterDatabase db = ClusterDatabase.createFresh("clustermetrics");
    try (db; Sundial n1 = node(db, "n1"); Sundial n2 = node(db, "n2")) {
      CompatServer.await(Duration.ofSeconds(60), "both nodes serve shards, all of them", () -> {
        double a = value(scrape(n1), "numshards_gauge");
        double b = value(scrape(n2), "numshards_gauge");
        return a > 0 && b > 0 && a + b == Cluster.SHARDS;
      });
      Map<String, PromCheck.Family> m1 = scrape(n1);
      assertThat(value(m1, "sharditem_created_count")).isGreaterThanOrEqualTo(value(m1, "numshards_gauge"));
      assertThat(value(m1, "membership_changed_count")).isGreaterThanOrEqualTo(1);
      CompatServer.await(Duration.ofSeconds(30), "leases renewed",
          () -> value(scrape(n1), "sundial_shard_lease_renewals") > 0);

      // A start at n1 for a workflow whose shard n2 serves: relayed, a client call of n1.
      String namespaceId = Cluster.namespaceId(n1.newWorkflowServiceStubs());
      Map<Integer, String> owners = db.liveOwners();
      String remote = null;
      for (int i = 0; remote == null; i++) {
        if ("n2".equals(owners.get(Partitions.shardOf(namespaceId, "relayed-" + i, Cluster.SHARDS)))) {
          remote = "relayed-" + i;
        }
      }
      var atN1 = WorkflowServiceGrpc.newBlockingStub(n1.newInProcessChannel());
      String id = remote;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          atN1.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
              .setNamespace(Cluster.NAMESPACE).setWorkflowId(id).setRequestId(UUID.randomUUID().toString())
              .setWorkflowType(WorkflowType.newBuilder().setName("T"))
              .setTaskQueue(TaskQueue.newBuilder().setName("q")).build());
          break;
        } catch (StatusRuntimeException e) {
          // a node's view of ownership may still be settling: retried as SDKs do
          if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) throw e;
        }
      }
      Map<String, PromCheck.Family> after = scrape(n1);
      assertThat(value(after, "client_requests", "operation", "StartWorkflowExecution"))
          .as("the relayed start").isGreaterThanOrEqualTo(1);
      assertThat(after.get("client_latency").type()).isEqualTo("HISTOGRAM");
      assertThat(value(scrape(n2), "service_requests", "operation", "StartWorkflowExecution"))
          .as("the relayed start, handled at n2").isGreaterThanOrEqualTo(1);
    }
  }
}
