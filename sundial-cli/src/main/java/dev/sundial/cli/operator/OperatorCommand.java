package dev.sundial.cli.operator;

import dev.sundial.cli.client.GroupCommand;
import picocli.CommandLine.Command;

@Command(name = "operator", description = "Manage namespaces, search attributes, API keys and UI users; look at the cluster.",
    subcommands = {NamespaceCommands.class, SearchAttributeCommands.class, ClusterCommands.class,
        ApiKeyCommands.class, UserCommands.class})
public final class OperatorCommand extends GroupCommand {}
