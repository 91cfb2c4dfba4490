package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code task-queue describe|list-partition}: who polls a task queue and what waits in it. */
@Command(name = "task-queue", description = "Pollers and backlog of task queues (as 'temporal task-queue').",
    subcommands = {TaskQueueCommands.Describe.class, TaskQueueCommands.ListPartition.class})
public final class TaskQueueCommands extends GroupCommand {

  @Command(name = "describe", description = "The pollers (workers) of a task queue and its backlog.",
      footer = {"", "Example:", "  sundial task-queue describe -t orders --task-queue-type activity"})
  public static final class Describe extends ClientCommand {
    @Option(names = {"-t", "--task-queue"}, paramLabel = "<queue>", required = true, description = "Task queue.")
    String taskQueue;

    @Option(names = "--task-queue-type", paramLabel = "<type>",
        description = "workflow or activity; repeatable. Default: both.")
    List<String> types = new ArrayList<>();

    private List<TaskQueueType> types() {
      if (types.isEmpty()) {
        return List.of(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY);
      }
      List<TaskQueueType> all = new ArrayList<>();
      for (String t : types) {
        all.add(Enums.parse(TaskQueueType.class, "TASK_QUEUE_TYPE_", t, "--task-queue-type"));
      }
      return all;
    }

    @Override
    protected void validate() {
      types();
    }

    @Override
    protected int run(Client client, Output out) {
      List<List<String>> rows = new ArrayList<>();
      JsonObject json = new JsonObject();
      for (TaskQueueType type : types()) {
        var r = client.workflow().describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace(client.namespace()).setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
            .setTaskQueueType(type).setIncludeTaskQueueStatus(true).build());
        String typeName = Enums.display(type.name(), "TASK_QUEUE_TYPE_");
        json.add(typeName.toLowerCase(Locale.ROOT),
            JsonParser.parseString(out.payloads(r)));
        for (var p : r.getPollersList()) {
          rows.add(List.of(typeName, p.getIdentity(), out.time(p.getLastAccessTime()),
              Long.toString(r.getTaskQueueStatus().getBacklogCountHint())));
        }
        if (r.getPollersCount() == 0) {
          rows.add(List.of(typeName, "(no pollers)", "", Long.toString(r.getTaskQueueStatus().getBacklogCountHint())));
        }
      }
      if (out.isText()) {
        out.table(List.of("TaskQueueType", "Poller", "LastAccessTime", "Backlog"), rows);
      } else if (out.isJson()) {
        out.printJson(json);
      }
      return 0;
    }
  }

  @Command(name = "list-partition", description = "The partitions of a task queue and the nodes that own them.",
      footer = {"", "Example:", "  sundial task-queue list-partition -t orders"})
  public static final class ListPartition extends ClientCommand {
    @Option(names = {"-t", "--task-queue"}, paramLabel = "<queue>", required = true, description = "Task queue.")
    String taskQueue;

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().listTaskQueuePartitions(ListTaskQueuePartitionsRequest.newBuilder()
          .setNamespace(client.namespace()).setTaskQueue(TaskQueue.newBuilder().setName(taskQueue)).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      List<List<String>> rows = new ArrayList<>();
      r.getWorkflowTaskQueuePartitionsList().forEach(p -> rows.add(List.of("Workflow", p.getKey(), p.getOwnerHostName())));
      r.getActivityTaskQueuePartitionsList().forEach(p -> rows.add(List.of("Activity", p.getKey(), p.getOwnerHostName())));
      out.table(List.of("Type", "Partition", "Owner"), rows);
      return 0;
    }
  }
}
