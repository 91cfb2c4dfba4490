package dev.sundial.cli.operator;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateUserRequest;
import dev.sundial.server.admin.proto.DeleteUserRequest;
import dev.sundial.server.admin.proto.ListUsersRequest;
import dev.sundial.server.admin.proto.User;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code operator user create|list|delete}: who may sign in to the web UI (system admin only). */
@Command(name = "user", description = "Create, list and delete web UI users (needs the system admin role).",
    subcommands = {UserCommands.Create.class, UserCommands.ListAll.class, UserCommands.Delete.class})
public final class UserCommands extends GroupCommand {

  @Command(name = "create", description = "Create a user who signs in to the web UI with a password.",
      footer = {"", "Examples:",
          "  sundial operator user create --name alice --role orders:read    (asks for the password)",
          "  sundial operator user create --name ops --role system:admin --password-file ops.pw"})
  public static final class Create extends ClientCommand {
    @Option(names = "--name", paramLabel = "<name>", required = true, description = "The user name.")
    String name;

    @Option(names = "--role", paramLabel = "<namespace>:<role>", required = true,
        description = "A role: <namespace>:<read|worker|write|admin>, or system:<role>. Repeatable.")
    List<String> roles = new ArrayList<>();

    @Option(names = "--password-file", paramLabel = "<file>",
        description = "Read the password from this file (first line). Without it the password is"
            + " asked for, or read from the first line of standard input.")
    Path passwordFile;

    @Override
    protected int run(Client client, Output out) throws IOException {
      char[] password = password();
      try {
        var r = client.call(AdminApi.CREATE_USER, CreateUserRequest.newBuilder().setName(name)
            .addAllRoles(roles).setPassword(new String(password)).build());
        if (out.isText()) {
          out.line("Created user " + r.getUser().getName() + " (" + String.join(", ",
              r.getUser().getRolesList()) + ")");
        } else {
          out.printJson(Output.jsonObject(r.getUser()));
        }
        return 0;
      } finally {
        Arrays.fill(password, ' ');
      }
    }

    private char[] password() throws IOException {
      if (passwordFile != null) {
        String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream()
            .findFirst().orElse("");
        return first.toCharArray();
      }
      Console console = System.console();
      if (console != null) {
        char[] first = console.readPassword("Password for %s: ", name);
        char[] again = console.readPassword("Again: ");
        if (first == null || !Arrays.equals(first, again)) {
          throw new IllegalArgumentException("the passwords differ");
        }
        return first;
      }
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
          .readLine();
      if (line == null) throw new IllegalArgumentException("no password on standard input");
      return line.toCharArray();
    }
  }

  @Command(name = "list", description = "Every web UI user and their roles.",
      footer = {"", "Example:", "  sundial operator user list"})
  public static final class ListAll extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var r = client.call(AdminApi.LIST_USERS, ListUsersRequest.getDefaultInstance());
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        for (User u : r.getUsersList()) {
          rows.add(List.of(u.getName(), String.join(",", u.getRolesList()), out.time(u.getCreateTime())));
        }
        out.table(List.of("Name", "Roles", "Created"), rows);
      } else {
        JsonArray a = new JsonArray();
        r.getUsersList().forEach(u -> a.add(Output.jsonObject(u)));
        out.printList(a);
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a user; their UI sessions end within 30 s.",
      footer = {"", "Example:", "  sundial operator user delete alice"})
  public static final class Delete extends ClientCommand {
    @Parameters(paramLabel = "<name>", description = "The user name.")
    String name;

    @Override
    protected int run(Client client, Output out) {
      client.call(AdminApi.DELETE_USER, DeleteUserRequest.newBuilder().setName(name).build());
      if (out.isText()) out.line("Deleted user " + name);
      else out.printJson(new JsonObject());
      return 0;
    }
  }

}
