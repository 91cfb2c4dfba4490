package dev.sundial.cli.workflow;

import dev.sundial.cli.client.GroupCommand;
import picocli.CommandLine.Command;

@Command(name = "workflow",
    description = "Start, inspect and change workflow executions (as 'temporal workflow').",
    subcommands = {
        WorkflowStartCommand.class,
        WorkflowExecuteCommand.class,
        WorkflowDescribeCommand.class,
        WorkflowListCommand.class,
        WorkflowCountCommand.class,
        WorkflowShowCommand.class,
        WorkflowResultCommand.class,
        WorkflowSignalCommand.class,
        WorkflowSignalWithStartCommand.class,
        UpdateCommands.class,
        WorkflowQueryCommand.class,
        WorkflowStackCommand.class,
        WorkflowCancelCommand.class,
        WorkflowTerminateCommand.class,
        WorkflowDeleteCommand.class,
        WorkflowResetCommand.class,
        WorkflowTraceCommand.class,
        WorkflowReplayCommand.class,
    })
public final class WorkflowCommand extends GroupCommand {}
