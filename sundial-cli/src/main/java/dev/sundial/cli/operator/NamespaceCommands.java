package dev.sundial.cli.operator;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.namespace.v1.UpdateNamespaceInfo;
import io.temporal.api.operatorservice.v1.DeleteNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code operator namespace create|update|describe|list|delete}, as {@code temporal}. */
@Command(name = "namespace", description = "Create, change, describe, list and delete namespaces.",
    subcommands = {NamespaceCommands.Create.class, NamespaceCommands.Update.class,
        NamespaceCommands.Describe.class, NamespaceCommands.ListAll.class, NamespaceCommands.Delete.class})
public final class NamespaceCommands extends GroupCommand {

  /** The namespace: the positional argument or -n/--namespace (as temporal accepts both). */
  abstract static class OneNamespace extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<namespace>",
        description = "Namespace name (or -n/--namespace).")
    String positional;

    String name(Client client) {
      return positional != null ? positional : client.namespace();
    }
  }

  /** --retention, --description, --owner-email, --data as create and update share them. */
  abstract static class Settings extends OneNamespace {
    @Option(names = "--retention", paramLabel = "<duration>",
        description = "How long closed workflows are kept, e.g. 30d or 72h.")
    String retention;

    @Option(names = "--description", paramLabel = "<text>", description = "Description.")
    String description;

    @Option(names = "--email", paramLabel = "<address>", description = "Owner's email.")
    String ownerEmail;

    @Option(names = "--data", paramLabel = "<key=value>", description = "Namespace data; repeatable.")
    List<String> data = new ArrayList<>();

    Duration retention() {
      if (retention == null) return null;
      java.time.Duration d = Durations.parse(retention, "--retention");
      return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    Map<String, String> data() {
      Map<String, String> m = new LinkedHashMap<>();
      for (String kv : data) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("--data must be key=value but was '" + kv + "'");
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      return m;
    }

    @Override
    protected void validate() {
      retention();
      data();
    }
  }

  @Command(name = "create", aliases = "register", description = "Register a namespace.",
      footer = {"", "Example:", "  sundial operator namespace create --namespace orders --retention 30d"})
  public static final class Create extends Settings {
    @Override
    protected int run(Client client, Output out) {
      var b = RegisterNamespaceRequest.newBuilder().setNamespace(name(client));
      var r = retention();
      b.setWorkflowExecutionRetentionPeriod(r != null ? r
          : Duration.newBuilder().setSeconds(3 * 86_400).build());
      if (description != null) b.setDescription(description);
      if (ownerEmail != null) b.setOwnerEmail(ownerEmail);
      b.putAllData(data());
      client.workflow().registerNamespace(b.build());
      out.line("Namespace " + name(client) + " successfully registered.");
      return 0;
    }
  }

  @Command(name = "update", description = "Change a namespace's retention, description, owner or data.",
      footer = {"", "Example:", "  sundial operator namespace update --namespace orders --retention 90d"})
  public static final class Update extends Settings {
    @Override
    protected int run(Client client, Output out) {
      var info = UpdateNamespaceInfo.newBuilder();
      if (description != null) info.setDescription(description);
      if (ownerEmail != null) info.setOwnerEmail(ownerEmail);
      info.putAllData(data());
      var b = UpdateNamespaceRequest.newBuilder().setNamespace(name(client)).setUpdateInfo(info);
      var r = retention();
      if (r != null) b.setConfig(NamespaceConfig.newBuilder().setWorkflowExecutionRetentionTtl(r));
      client.workflow().updateNamespace(b.build());
      out.line("Namespace " + name(client) + " update succeeded.");
      return 0;
    }
  }

  @Command(name = "describe", description = "Show a namespace.",
      footer = {"", "Example:", "  sundial operator namespace describe --namespace orders"})
  public static final class Describe extends OneNamespace {
    @Option(names = "--namespace-id", paramLabel = "<id>", description = "Describe by id instead of name.")
    String id;

    @Override
    protected int run(Client client, Output out) {
      var b = DescribeNamespaceRequest.newBuilder();
      if (id != null) b.setId(id); else b.setNamespace(name(client));
      var r = client.workflow().describeNamespace(b.build());
      if (out.isText()) card(out, r); else out.json(r);
      return 0;
    }
  }

  @Command(name = "list", description = "List namespaces.",
      footer = {"", "Example:", "  sundial operator namespace list -o json"})
  public static final class ListAll extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      ByteString token = ByteString.EMPTY;
      JsonArray array = new JsonArray();
      do {
        var r = client.workflow().listNamespaces(ListNamespacesRequest.newBuilder()
            .setPageSize(100).setNextPageToken(token).build());
        for (DescribeNamespaceResponse ns : r.getNamespacesList()) {
          if (out.isText()) {
            card(out, ns);
            out.line("");
          } else {
            array.add(JsonParser.parseString(out.payloads(ns)));
          }
        }
        token = r.getNextPageToken();
      } while (!token.isEmpty());
      if (out.isJson()) out.printList(array);
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a namespace and everything in it.",
      footer = {"", "Example:", "  sundial operator namespace delete --namespace orders --yes"})
  public static final class Delete extends OneNamespace {
    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    protected int run(Client client, Output out) {
      String ns = name(client);
      if (!yes && !ask("Delete namespace " + ns + " and all its workflows?")) {
        out.line("Not deleted.");
        return FAILED;
      }
      var r = client.operator().deleteNamespace(
          DeleteNamespaceRequest.newBuilder().setNamespace(ns).build());
      out.line("Namespace " + ns + " has been deleted (renamed to " + r.getDeletedNamespace() + ").");
      return 0;
    }
  }

  static void card(Output out, DescribeNamespaceResponse r) {
    var card = Output.fields();
    card.put("NamespaceInfo.Name", r.getNamespaceInfo().getName());
    card.put("NamespaceInfo.Id", r.getNamespaceInfo().getId());
    card.put("NamespaceInfo.Description", r.getNamespaceInfo().getDescription());
    card.put("NamespaceInfo.OwnerEmail", r.getNamespaceInfo().getOwnerEmail());
    card.put("NamespaceInfo.State", Enums.display(r.getNamespaceInfo().getState().name(), "NAMESPACE_STATE_"));
    card.put("NamespaceInfo.Data", r.getNamespaceInfo().getDataMap().isEmpty() ? null
        : r.getNamespaceInfo().getDataMap().toString());
    card.put("Config.WorkflowExecutionRetentionTtl",
        Output.duration(r.getConfig().getWorkflowExecutionRetentionTtl()));
    card.put("IsGlobalNamespace", r.getIsGlobalNamespace());
    out.card(card);
  }
}
