package dev.sundial.cli.operator;

import dev.sundial.cli.client.GroupCommand;
import picocli.CommandLine.Command;

@Command(name = "operator", description = "Manage namespaces and look at the cluster (as 'temporal operator').",
    subcommands = {NamespaceCommands.class, SearchAttributeCommands.class, ClusterCommands.class})
public final class OperatorCommand extends GroupCommand {}
