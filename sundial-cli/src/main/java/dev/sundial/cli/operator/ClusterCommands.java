package dev.sundial.cli.operator;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** {@code operator cluster health|system|describe}, as {@code temporal}. */
@Command(name = "cluster", description = "The server's health, capabilities and cluster information.",
    subcommands = {ClusterCommands.Health.class, ClusterCommands.SystemInfo.class,
        ClusterCommands.Describe.class})
public final class ClusterCommands extends GroupCommand {

  @Command(name = "health", description = "Check that the server is serving; exit status 1 if not.",
      footer = {"", "Example:", "  sundial operator cluster health --address 127.0.0.1:7233"})
  public static final class Health extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var status = HealthGrpc.newBlockingStub(client.workflowStubs().getRawChannel())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.newBuilder()
              .setService("temporal.api.workflowservice.v1.WorkflowService").build()).getStatus();
      boolean serving = status == HealthCheckResponse.ServingStatus.SERVING;
      if (out.isText()) {
        out.line(serving ? "SERVING" : String.valueOf(status));
      } else if (out.isJson()) {
        JsonObject o = new JsonObject();
        o.addProperty("status", status.name());
        out.printJson(o);
      }
      return serving ? 0 : FAILED;
    }
  }

  @Command(name = "system", description = "The server's version and capabilities.",
      footer = {"", "Example:", "  sundial operator cluster system -o json"})
  public static final class SystemInfo extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var card = Output.fields();
      card.put("ServerVersion", r.getServerVersion());
      var caps = r.getCapabilities();
      card.put("SignalAndQueryHeader", caps.getSignalAndQueryHeader());
      card.put("InternalErrorDifferentiation", caps.getInternalErrorDifferentiation());
      card.put("EagerWorkflowStart", caps.getEagerWorkflowStart());
      card.put("SdkMetadata", caps.getSdkMetadata());
      card.put("CountGroupByExecutionStatus", caps.getCountGroupByExecutionStatus());
      card.put("UpsertMemo", caps.getUpsertMemo());
      out.card(card);
      return 0;
    }
  }

  @Command(name = "describe", description = "Cluster name, id, version and history shard count.",
      footer = {"", "Example:", "  sundial operator cluster describe"})
  public static final class Describe extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var card = Output.fields();
      card.put("ClusterName", r.getClusterName());
      card.put("ClusterId", r.getClusterId());
      card.put("ServerVersion", r.getServerVersion());
      card.put("HistoryShardCount", r.getHistoryShardCount());
      card.put("PersistenceStore", r.getPersistenceStore());
      card.put("VisibilityStore", r.getVisibilityStore());
      out.card(card);
      return 0;
    }
  }
}
