package dev.sundial.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code sundial server status}: whether a server answers at --address, its version, health and
 * readiness, and its namespaces. Exit status 0 only when it is ready (health SERVING), so scripts
 * can wait on it.
 */
@Command(name = "status", description = "Whether a server answers at --address and is ready; exit status 0 only then.",
    footer = {"", "Example:", "  until ./sundial server status -o none; do sleep 1; done"})
final class ServerStatusCommand extends ClientCommand {
  @CommandLine.Option(names = "--ui-address", paramLabel = "<host:port>",
      description = "Sundial's web UI, for the cluster's nodes and shard owners. Default: the"
          + " --address host, port + 1000 (where 'server start' puts it).")
  String uiAddress;

  @CommandLine.Option(names = "--metrics-address", paramLabel = "<host:port>",
      description = "Sundial's metrics endpoint, for uptime, backlog and commit latency. Default:"
          + " the --address host, port + 2000 (where 'server start' puts it).")
  String metricsAddress;

  /** The --address host with its port moved by {@code offset}, or null. */
  private static String neighbour(String grpcAddress, int offset) {
    int colon = grpcAddress.lastIndexOf(':');
    try {
      return grpcAddress.substring(0, colon) + ":"
          + (Integer.parseInt(grpcAddress.substring(colon + 1)) + offset);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** Open workflows in all namespaces (visibility counts, which may lag a moment). */
  private static long openWorkflows(Client client, List<String> namespaces) {
    long open = 0;
    for (String ns : namespaces) {
      open += client.workflow().countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
          .setNamespace(ns).setQuery("ExecutionStatus = 'Running'").build()).getCount();
    }
    return open;
  }

  /**
   * The cluster as the UI's /sundial/api/cluster shows it (nodes, shard leases), or null when no
   * Sundial UI answers there (another server, --headless, another port).
   */
  private JsonObject cluster(String grpcAddress) {
    String target = uiAddress != null ? uiAddress : neighbour(grpcAddress, 1000);
    if (target == null) {
      return null;
    }
    try {
      var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      var response = http.send(HttpRequest.newBuilder(
              URI.create("http://" + target + "/sundial/api/cluster"))
          .timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) return null;
      return JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  protected int run(Client client, Output out) {
    String address = client.settings().address();
    var system = client.workflow(Duration.ofSeconds(10))
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    ServingStatus health;
    try {
      health = HealthGrpc.newBlockingStub(client.workflowStubs().getRawChannel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder()
              .setService("temporal.api.workflowservice.v1.WorkflowService").build()).getStatus();
    } catch (StatusRuntimeException e) {
      health = ServingStatus.UNKNOWN;
    }
    boolean ready = health == ServingStatus.SERVING;
    var cluster = client.workflow().getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
    List<String> namespaces = new ArrayList<>();
    client.workflow().listNamespaces(ListNamespacesRequest.newBuilder().setPageSize(100).build())
        .getNamespacesList().forEach(n -> namespaces.add(n.getNamespaceInfo().getName()));
    JsonObject clusterView = cluster(address);
    long open = openWorkflows(client, namespaces);
    String figuresAt = metricsAddress != null ? metricsAddress : neighbour(address, 2000);
    ServerFigures figures = figuresAt == null ? null
        : ServerFigures.read(figuresAt, client.settings().apiKey());
    if (out.isText()) {
      var card = Output.fields();
      card.put("Address", address);
      card.put("ServerVersion", system.getServerVersion());
      card.put("Health", health.name());
      card.put("Ready", ready);
      card.put("PersistenceStore", cluster.getPersistenceStore());
      card.put("HistoryShardCount", cluster.getHistoryShardCount());
      card.put("Namespaces", String.join(", ", namespaces));
      card.put("OpenWorkflows", open);
      if (figures == null) {
        card.put("Metrics", "(no metrics endpoint answered; --metrics-address to point at one)");
      } else {
        card.put("Uptime", ServerFigures.duration(figures.uptimeSeconds()));
        card.put("Backlog", (long) figures.backlog());
        card.put("CommitLatencyP99", figures.commitP99Seconds() == null ? "(no commits yet)"
            : "<= " + Math.round(figures.commitP99Seconds() * 1000) + " ms");
      }
      if (clusterView == null) {
        card.put("Cluster", "(no Sundial UI answered; --ui-address to point at one)");
      } else if (!clusterView.get("clustered").getAsBoolean()) {
        card.put("Cluster", "single node");
      }
      out.card(card);
      if (clusterView != null && clusterView.get("clustered").getAsBoolean()) {
        printCluster(out, clusterView);
      }
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.addProperty("address", address);
      o.addProperty("serverVersion", system.getServerVersion());
      o.addProperty("health", health.name());
      o.addProperty("ready", ready);
      o.addProperty("persistenceStore", cluster.getPersistenceStore());
      JsonArray ns = new JsonArray();
      namespaces.forEach(ns::add);
      o.add("namespaces", ns);
      o.addProperty("openWorkflows", open);
      if (figures != null) {
        o.addProperty("uptimeSeconds", figures.uptimeSeconds());
        o.addProperty("backlog", (long) figures.backlog());
        if (figures.commitP99Seconds() != null) {
          o.addProperty("commitLatencyP99Seconds", figures.commitP99Seconds());
        }
      }
      if (clusterView != null) o.add("cluster", clusterView);
      out.printJson(o);
    }
    return ready ? 0 : FAILED;
  }

  private static void printCluster(Output out, JsonObject c) {
    out.line("");
    out.line("Nodes:");
    List<List<String>> nodes = new ArrayList<>();
    Map<String, Integer> owned = new TreeMap<>();
    c.getAsJsonArray("shards").forEach(s -> {
      var o = s.getAsJsonObject();
      if (o.get("live").getAsBoolean() && o.has("owner") && !o.get("owner").isJsonNull()) {
        owned.merge(o.get("owner").getAsString(), 1, Integer::sum);
      }
    });
    c.getAsJsonArray("nodes").forEach(n -> {
      var o = n.getAsJsonObject();
      String id = o.get("nodeId").getAsString();
      nodes.add(List.of(id, o.get("address").getAsString(), Integer.toString(owned.getOrDefault(id, 0))));
    });
    out.table(List.of("NodeId", "Address", "ShardsOwned"), nodes);
    long unowned = c.get("shardCount").getAsLong() - owned.values().stream().mapToInt(Integer::intValue).sum();
    out.line("Shards: " + c.get("shardCount").getAsLong() + " (" + unowned + " without a live owner)");
  }
}
