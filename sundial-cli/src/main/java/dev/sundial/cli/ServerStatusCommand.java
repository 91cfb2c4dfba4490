package dev.sundial.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code sundial server status}: whether a server answers at --address, its version, health and
 * readiness, and its namespaces. Exit status 0 only when it is ready (health SERVING), so scripts
 * can wait on it.
 */
@Command(name = "status", description = "Whether a server answers at --address and is ready; exit status 0 only then.",
    footer = {"", "Example:", "  until ./sundial server status -o none; do sleep 1; done"})
final class ServerStatusCommand extends ClientCommand {
  @Override
  protected int run(Client client, Output out) {
    String address = client.settings().address();
    var system = client.workflow(java.time.Duration.ofSeconds(10))
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    ServingStatus health;
    try {
      health = io.grpc.health.v1.HealthGrpc.newBlockingStub(client.workflowStubs().getRawChannel())
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
    if (out.isText()) {
      var card = Output.fields();
      card.put("Address", address);
      card.put("ServerVersion", system.getServerVersion());
      card.put("Health", health.name());
      card.put("Ready", ready);
      card.put("PersistenceStore", cluster.getPersistenceStore());
      card.put("HistoryShardCount", cluster.getHistoryShardCount());
      card.put("Namespaces", String.join(", ", namespaces));
      out.card(card);
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
      out.printJson(o);
    }
    return ready ? 0 : FAILED;
  }
}
