package dev.sundial.cli.operator;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code operator search-attribute create|list|remove}, per namespace. */
@Command(name = "search-attribute", description = "Register, list and remove custom search attributes.",
    subcommands = {SearchAttributeCommands.Create.class, SearchAttributeCommands.ListAll.class,
        SearchAttributeCommands.Remove.class})
public final class SearchAttributeCommands extends GroupCommand {

  @Command(name = "create", description = "Register search attributes (--name and --type in pairs).",
      footer = {"", "Example:", "  sundial operator search-attribute create --name CustomerId --type Keyword"})
  public static final class Create extends ClientCommand {
    @Option(names = "--name", paramLabel = "<name>", required = true, description = "Attribute name; repeatable.")
    List<String> names = new ArrayList<>();

    @Option(names = "--type", paramLabel = "<type>", required = true,
        description = "Text, Keyword, Int, Double, Bool, Datetime or KeywordList; one per --name.")
    List<String> types = new ArrayList<>();

    private Map<String, IndexedValueType> attributes() {
      if (names.size() != types.size()) {
        throw new IllegalArgumentException("give one --type for each --name (" + names.size()
            + " names, " + types.size() + " types)");
      }
      Map<String, IndexedValueType> m = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        m.put(names.get(i), Enums.parse(IndexedValueType.class, "INDEXED_VALUE_TYPE_", types.get(i), "--type"));
      }
      return m;
    }

    @Override
    protected void validate() {
      attributes();
    }

    @Override
    protected int run(Client client, Output out) {
      client.operator().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
          .setNamespace(client.namespace()).putAllSearchAttributes(attributes()).build());
      out.line("Search attributes have been added");
      return 0;
    }
  }

  @Command(name = "list", description = "List the namespace's search attributes (system and custom).",
      footer = {"", "Example:", "  sundial operator search-attribute list"})
  public static final class ListAll extends ClientCommand {
    @Override
    protected int run(Client client, Output out) {
      var r = client.operator().listSearchAttributes(ListSearchAttributesRequest.newBuilder()
          .setNamespace(client.namespace()).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      r.getCustomAttributesMap().forEach((k, v) ->
          rows.add(List.of(k, Enums.display(v.name(), "INDEXED_VALUE_TYPE_"), "custom")));
      r.getSystemAttributesMap().forEach((k, v) ->
          rows.add(List.of(k, Enums.display(v.name(), "INDEXED_VALUE_TYPE_"), "system")));
      rows.sort((a, b) -> a.get(0).compareTo(b.get(0)));
      out.table(List.of("Name", "Type", "Kind"), rows);
      return 0;
    }
  }

  @Command(name = "remove", description = "Remove custom search attributes.",
      footer = {"", "Example:", "  sundial operator search-attribute remove --name CustomerId --yes"})
  public static final class Remove extends ClientCommand {
    @Option(names = "--name", paramLabel = "<name>", required = true, description = "Attribute name; repeatable.")
    List<String> names = new ArrayList<>();

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    protected int run(Client client, Output out) {
      if (!yes && !ask("Remove search attributes " + String.join(", ", names) + "?")) {
        out.line("Not removed.");
        return FAILED;
      }
      client.operator().removeSearchAttributes(RemoveSearchAttributesRequest.newBuilder()
          .setNamespace(client.namespace()).addAllSearchAttributes(names).build());
      out.line("Search attributes have been removed");
      return 0;
    }
  }
}
