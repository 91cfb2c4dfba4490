package dev.sundial.cli.operator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.Timestamp;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.Times;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.ApiKey;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.ListApiKeysRequest;
import dev.sundial.server.admin.proto.RevokeApiKeyRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code operator api-key create|list|revoke}: Sundial's API keys (system admin only). */
@Command(name = "api-key", description = "Create, list and revoke API keys (needs the system admin role).",
    subcommands = {ApiKeyCommands.Create.class, ApiKeyCommands.ListAll.class,
        ApiKeyCommands.Revoke.class})
public final class ApiKeyCommands extends GroupCommand {

  @Command(name = "create", description = "Create an API key; the key is printed once, never again.",
      footer = {"", "Examples:",
          "  sundial operator api-key create --name orders-worker --role orders:worker",
          "  sundial operator api-key create --name ops --role system:admin --expires-in 720h -o json"})
  public static final class Create extends ClientCommand {
    @Option(names = "--name", paramLabel = "<name>", required = true,
        description = "A name unique among active keys; the key authenticates as this name.")
    String name;

    @Option(names = "--role", paramLabel = "<namespace>:<role>", required = true,
        description = "A role: <namespace>:<read|worker|write|admin>, or system:<role> for every"
            + " namespace and the cluster. Repeatable.")
    List<String> roles = new ArrayList<>();

    @Option(names = "--owner", paramLabel = "<owner>",
        description = "Who the key is for (default: you).")
    String owner;

    @Option(names = "--expires-in", paramLabel = "<duration>",
        description = "Expire after this long, e.g. 720h. Default: never.")
    String expiresIn;

    @Option(names = "--expire-time", paramLabel = "<time>",
        description = "Expire at this RFC 3339 time.")
    String expireTime;

    @Override
    protected void validate() {
      if (expiresIn != null && expireTime != null) {
        throw new IllegalArgumentException("give --expires-in or --expire-time, not both");
      }
    }

    @Override
    protected int run(Client client, Output out) {
      var req = CreateApiKeyRequest.newBuilder().setName(name).addAllRoles(roles);
      if (owner != null) req.setOwner(owner);
      if (expiresIn != null) {
        Instant at = Instant.now().plus(Durations.parse(expiresIn, "--expires-in"));
        req.setExpireTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
      } else if (expireTime != null) {
        req.setExpireTime(Times.parse(expireTime, "--expire-time"));
      }
      var r = client.call(AdminApi.CREATE_API_KEY, req.build());
      if (out.isText()) {
        var card = card(r.getApiKey(), out);
        card.put("Key", r.getKey());
        out.card(card);
        out.line("The key is shown only now: store it in a secret store. Send it as"
            + " 'authorization: Bearer <key>' (--api-key, or the SDKs' api key option).");
      } else {
        JsonObject o = Output.jsonObject(r.getApiKey());
        o.addProperty("key", r.getKey());
        out.printJson(o);
      }
      return 0;
    }
  }

  @Command(name = "list", description = "Every API key, revoked ones too (never the keys themselves).",
      footer = {"", "Example:", "  sundial operator api-key list -o json"})
  public static final class ListAll extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var r = client.call(AdminApi.LIST_API_KEYS, ListApiKeysRequest.getDefaultInstance());
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        for (ApiKey k : r.getApiKeysList()) {
          rows.add(List.of(k.getId(), k.getName(), k.getOwner(), String.join(",", k.getRolesList()),
              state(k, out), out.time(k.getCreateTime())));
        }
        out.table(List.of("Id", "Name", "Owner", "Roles", "State", "Created"), rows);
      } else {
        JsonArray a = new JsonArray();
        r.getApiKeysList().forEach(k -> a.add(Output.jsonObject(k)));
        out.printList(a);
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke an API key at once: calls with it are refused.",
      footer = {"", "Example:", "  sundial operator api-key revoke orders-worker"})
  public static final class Revoke extends ClientCommand {
    @Parameters(paramLabel = "<id-or-name>", description = "The key's id or name.")
    String id;

    @Override
    protected int run(Client client, Output out) {
      var r = client.call(AdminApi.REVOKE_API_KEY, RevokeApiKeyRequest.newBuilder().setId(id).build());
      if (out.isText()) {
        out.line("Revoked API key " + r.getApiKey().getName() + " (" + r.getApiKey().getId() + ")");
      } else {
        out.printJson(Output.jsonObject(r.getApiKey()));
      }
      return 0;
    }
  }

  private static java.util.Map<String, Object> card(ApiKey k, Output out) {
    var card = Output.fields();
    card.put("Id", k.getId());
    card.put("Name", k.getName());
    card.put("Owner", k.getOwner());
    card.put("Roles", String.join(", ", k.getRolesList()));
    card.put("Created", out.time(k.getCreateTime()));
    card.put("Expires", k.hasExpireTime() ? out.time(k.getExpireTime()) : "never");
    return card;
  }

  private static String state(ApiKey k, Output out) {
    if (k.hasRevokeTime()) return "revoked " + out.time(k.getRevokeTime());
    if (k.hasExpireTime()) {
      Instant at = Instant.ofEpochSecond(k.getExpireTime().getSeconds());
      return (at.isAfter(Instant.now()) ? "expires " : "expired ") + out.time(k.getExpireTime());
    }
    return "active";
  }

}
