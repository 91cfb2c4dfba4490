package dev.sundial.cli.activity;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.ListOptions;
import dev.sundial.cli.client.Output;
import io.temporal.api.activity.v1.ActivityExecutionListInfo;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code activity describe|list|count}: what standalone activities there are, and their state. */
final class ActivityViewCommands {
  private static final String STATUS = "ACTIVITY_EXECUTION_STATUS_";

  private ActivityViewCommands() {}

  @Command(name = "describe", description = "Show a standalone activity's state.",
      footer = {"", "Example:", "  sundial activity describe --activity-id resize-1 -o json"})
  static final class Describe extends ClientCommand {
    @Mixin ActivityRef ref = new ActivityRef();

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().describeActivityExecution(DescribeActivityExecutionRequest.newBuilder()
          .setNamespace(client.namespace()).setActivityId(ref.activityId).setRunId(ref.runId)
          .setIncludeLastFailure(true).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var i = r.getInfo();
      out.line("Activity Execution Info:");
      var card = Output.fields();
      card.put("ActivityId", i.getActivityId());
      card.put("RunId", i.getRunId());
      card.put("Type", i.getActivityType().getName());
      card.put("Status", Enums.display(i.getStatus().name(), STATUS));
      card.put("RunState", i.getRunStateValue() == 0 ? null
          : Enums.display(i.getRunState().name(), "PENDING_ACTIVITY_STATE_"));
      card.put("TaskQueue", i.getTaskQueue());
      card.put("ScheduleToCloseTimeout", duration(i.getScheduleToCloseTimeout()));
      card.put("ScheduleToStartTimeout", duration(i.getScheduleToStartTimeout()));
      card.put("StartToCloseTimeout", duration(i.getStartToCloseTimeout()));
      card.put("HeartbeatTimeout", duration(i.getHeartbeatTimeout()));
      card.put("ScheduleTime", i.hasScheduleTime() ? out.time(i.getScheduleTime()) : null);
      card.put("LastStartedTime", i.hasLastStartedTime() ? out.time(i.getLastStartedTime()) : null);
      card.put("CloseTime", i.hasCloseTime() ? out.time(i.getCloseTime()) : null);
      card.put("Attempt", i.getAttempt());
      card.put("LastFailure", i.hasLastFailure() ? i.getLastFailure().getMessage() : null);
      card.put("LastWorkerIdentity", i.getLastWorkerIdentity().isEmpty() ? null
          : i.getLastWorkerIdentity());
      card.put("HeartbeatDetails", i.hasHeartbeatDetails() ? out.values(i.getHeartbeatDetails()) : null);
      out.card(card);
      return 0;
    }

    private static String duration(com.google.protobuf.Duration d) {
      return d.getSeconds() == 0 && d.getNanos() == 0 ? null : Output.duration(d);
    }
  }

  @Command(name = "list", description = "List standalone activities, newest first, optionally matching a query.",
      footer = {"", "Example:", "  sundial activity list --query 'ActivityType=\"Resize\" AND"
          + " ExecutionStatus=\"Running\"'"})
  static final class ListAll extends ClientCommand {
    @Mixin ListOptions list = new ListOptions();

    @Override
    protected void validate() {
      list.validate();
    }

    @Override
    protected int run(Client client, Output out) {
      List<ActivityExecutionListInfo> all = list.collect((size, token) -> {
        var r = client.workflow().listActivityExecutions(ListActivityExecutionsRequest.newBuilder()
            .setNamespace(client.namespace()).setQuery(list.query).setPageSize(size)
            .setNextPageToken(token).build());
        return new ListOptions.Page<>(r.getExecutionsList(), r.getNextPageToken());
      });
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        for (ActivityExecutionListInfo i : all) {
          rows.add(List.of(Enums.display(i.getStatus().name(), STATUS), i.getActivityId(),
              i.getActivityType().getName(), out.time(i.getScheduleTime())));
        }
        out.table(List.of("Status", "ActivityId", "Type", "ScheduleTime"), rows);
      } else if (out.isJson()) {
        JsonArray array = new JsonArray();
        for (ActivityExecutionListInfo i : all) {
          array.add(JsonParser.parseString(out.payloads(i)));
        }
        out.printList(array);
      }
      return 0;
    }
  }

  @Command(name = "count", description = "Count standalone activities, optionally matching a query.",
      footer = {"", "Example:", "  sundial activity count --query 'ExecutionStatus=\"Running\"'"})
  static final class Count extends ClientCommand {
    @Option(names = {"-q", "--query"}, paramLabel = "<query>",
        description = "Count filter; GROUP BY ExecutionStatus counts each status.")
    String query = "";

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().countActivityExecutions(CountActivityExecutionsRequest.newBuilder()
          .setNamespace(client.namespace()).setQuery(query).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      out.counted(r.getCount(), r.getGroupsList().stream()
          .map(g -> new Output.Group(g.getGroupValuesList(), g.getCount())).toList());
      return 0;
    }
  }
}
