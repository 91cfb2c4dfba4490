package dev.sundial.cli.operator;

import dev.sundial.cli.client.GroupCommand;
import picocli.CommandLine.Command;

@Command(name = "operator", description = "Manage namespaces, search attributes and API keys, and look at the cluster.",
    subcommands = {NamespaceCommands.class, SearchAttributeCommands.class, ClusterCommands.class,
        ApiKeyCommands.class})
public final class OperatorCommand extends GroupCommand {}
