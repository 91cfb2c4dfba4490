package dev.sundial.cli.schedule;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import dev.sundial.cli.client.Times;
import dev.sundial.cli.workflow.StartOptions;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.schedule.v1.BackfillRequest;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleAction;
import io.temporal.api.schedule.v1.ScheduleListEntry;
import io.temporal.api.schedule.v1.SchedulePatch;
import io.temporal.api.schedule.v1.TriggerImmediatelyRequest;
import io.temporal.api.workflowservice.v1.CreateScheduleRequest;
import io.temporal.api.workflowservice.v1.DeleteScheduleRequest;
import io.temporal.api.workflowservice.v1.DescribeScheduleRequest;
import io.temporal.api.workflowservice.v1.ListScheduleMatchingTimesRequest;
import io.temporal.api.workflowservice.v1.ListSchedulesRequest;
import io.temporal.api.workflowservice.v1.PatchScheduleRequest;
import io.temporal.api.workflowservice.v1.UpdateScheduleRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code schedule create|update|describe|list|delete|toggle|trigger|backfill|list-matching-times}. */
@Command(name = "schedule", description = "Create and manage schedules (as 'temporal schedule').",
    subcommands = {ScheduleCommands.Create.class, ScheduleCommands.Update.class,
        ScheduleCommands.Describe.class, ScheduleCommands.ListAll.class, ScheduleCommands.Delete.class,
        ScheduleCommands.Toggle.class, ScheduleCommands.Trigger.class, ScheduleCommands.Backfill.class,
        ScheduleCommands.MatchingTimes.class})
public final class ScheduleCommands extends GroupCommand {

  /** -s/--schedule-id, required by every schedule command. */
  abstract static class OneSchedule extends ClientCommand {
    @Option(names = {"-s", "--schedule-id"}, paramLabel = "<id>", required = true, description = "Schedule id.")
    String scheduleId;
  }

  /** The whole schedule, as create and update take it. */
  abstract static class Definition extends OneSchedule {
    @Mixin ScheduleSpecOptions spec = new ScheduleSpecOptions();
    @Mixin StartOptions action = new StartOptions();

    @Option(names = "--schedule-memo", paramLabel = "<key=json>", description = "Memo of the schedule itself; repeatable.")
    List<String> scheduleMemo = new ArrayList<>();

    Schedule schedule() {
      action.defaultWorkflowId = scheduleId;
      return Schedule.newBuilder().setSpec(spec.spec())
          .setAction(ScheduleAction.newBuilder().setStartWorkflow(action.newWorkflow()))
          .setPolicies(spec.policies()).setState(spec.state()).build();
    }

    @Override
    protected void validate() {
      schedule();
      memo();
    }

    Memo memo() {
      Memo.Builder m = Memo.newBuilder();
      for (String kv : scheduleMemo) {
        var e = PayloadInput.keyJson(kv, "--schedule-memo");
        m.putFields(e.getKey(), e.getValue());
      }
      return m.build();
    }
  }

  @Command(name = "create", description = "Create a schedule.",
      footer = {"", "Example:", "  sundial schedule create -s nightly --cron '0 2 * * *' --type Report"
          + " --task-queue reports --overlap-policy BufferOne"})
  public static final class Create extends Definition {
    @Override
    protected int run(Client client, Output out) {
      var b = CreateScheduleRequest.newBuilder().setNamespace(client.namespace())
          .setScheduleId(scheduleId).setSchedule(schedule()).setIdentity(client.identity())
          .setRequestId(UUID.randomUUID().toString());
      Memo memo = memo();
      if (memo.getFieldsCount() > 0) b.setMemo(memo);
      client.workflow().createSchedule(b.build());
      out.line("Schedule created");
      return 0;
    }
  }

  @Command(name = "update", description = "Replace a schedule's spec, action and policies (all of them: give every flag).",
      footer = {"", "Example:", "  sundial schedule update -s nightly --cron '0 3 * * *' --type Report --task-queue reports"})
  public static final class Update extends Definition {
    @Override
    protected int run(Client client, Output out) {
      client.workflow().updateSchedule(UpdateScheduleRequest.newBuilder().setNamespace(client.namespace())
          .setScheduleId(scheduleId).setSchedule(schedule()).setIdentity(client.identity())
          .setRequestId(UUID.randomUUID().toString()).build());
      out.line("Schedule updated");
      return 0;
    }
  }

  @Command(name = "describe", description = "Show a schedule: spec, action, state and recent and next actions.",
      footer = {"", "Example:", "  sundial schedule describe -s nightly"})
  public static final class Describe extends OneSchedule {
    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().describeSchedule(DescribeScheduleRequest.newBuilder()
          .setNamespace(client.namespace()).setScheduleId(scheduleId).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var s = r.getSchedule();
      var card = Output.fields();
      card.put("ScheduleId", scheduleId);
      card.put("Spec", out.payloads(s.getSpec()));
      if (s.getAction().hasStartWorkflow()) {
        var w = s.getAction().getStartWorkflow();
        card.put("WorkflowId", w.getWorkflowId());
        card.put("WorkflowType", w.getWorkflowType().getName());
        card.put("TaskQueue", w.getTaskQueue().getName());
      }
      card.put("OverlapPolicy", Enums.display(
          s.getPolicies().getOverlapPolicy().name(), "SCHEDULE_OVERLAP_POLICY_"));
      card.put("Paused", s.getState().getPaused());
      card.put("Notes", s.getState().getNotes().isEmpty() ? null : s.getState().getNotes());
      card.put("Actions", r.getInfo().getActionCount());
      List<String> next = new ArrayList<>();
      r.getInfo().getFutureActionTimesList().forEach(t -> next.add(out.time(t)));
      card.put("NextRunTimes", next.isEmpty() ? null : String.join(", ", next));
      List<String> recent = new ArrayList<>();
      r.getInfo().getRecentActionsList().forEach(a -> recent.add(a.getStartWorkflowResult().getWorkflowId()));
      card.put("RecentWorkflows", recent.isEmpty() ? null : String.join(", ", recent));
      out.card(card);
      return 0;
    }
  }

  @Command(name = "list", description = "List schedules.",
      footer = {"", "Example:", "  sundial schedule list -o json"})
  public static final class ListAll extends ClientCommand {
    @Option(names = {"-q", "--query"}, paramLabel = "<query>", description = "Filter (visibility query).")
    String query = "";

    @Override
    protected int run(Client client, Output out) {
      List<ScheduleListEntry> all = new ArrayList<>();
      ByteString token = ByteString.EMPTY;
      do {
        var r = client.workflow().listSchedules(ListSchedulesRequest.newBuilder()
            .setNamespace(client.namespace()).setQuery(query).setMaximumPageSize(100)
            .setNextPageToken(token).build());
        all.addAll(r.getSchedulesList());
        token = r.getNextPageToken();
      } while (!token.isEmpty());
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        for (var e : all) {
          var i = e.getInfo();
          rows.add(List.of(e.getScheduleId(), i.getWorkflowType().getName(),
              Boolean.toString(i.getPaused()), i.getFutureActionTimesCount() == 0 ? ""
                  : out.time(i.getFutureActionTimes(0))));
        }
        out.table(List.of("ScheduleId", "WorkflowType", "Paused", "NextRun"), rows);
      } else if (out.isJson()) {
        JsonArray array = new JsonArray();
        all.forEach(e -> array.add(JsonParser.parseString(out.payloads(e))));
        out.printList(array);
      }
      return 0;
    }
  }

  @Command(name = "delete", description = "Delete a schedule (the workflows it started stay).",
      footer = {"", "Example:", "  sundial schedule delete -s nightly"})
  public static final class Delete extends OneSchedule {
    @Override
    protected int run(Client client, Output out) {
      client.workflow().deleteSchedule(DeleteScheduleRequest.newBuilder().setNamespace(client.namespace())
          .setScheduleId(scheduleId).setIdentity(client.identity()).build());
      out.line("Schedule deleted");
      return 0;
    }
  }

  /** --start-time and --end-time, both required (backfill, list-matching-times). */
  static final class TimeRange {
    @Option(names = "--start-time", paramLabel = "<time>", required = true, description = "Range start (RFC 3339).")
    String startTime;

    @Option(names = "--end-time", paramLabel = "<time>", required = true, description = "Range end (RFC 3339).")
    String endTime;

    Timestamp start() {
      return Times.parse(startTime, "--start-time");
    }

    Timestamp end() {
      return Times.parse(endTime, "--end-time");
    }
  }

  /** --pause or --unpause, exactly one. */
  static final class PauseOrUnpause {
    @Option(names = "--pause", required = true, description = "Pause the schedule.")
    boolean pause;

    @Option(names = "--unpause", required = true, description = "Unpause the schedule.")
    boolean unpause;
  }

  @Command(name = "toggle", description = "Pause or unpause a schedule, with a reason.",
      footer = {"", "Example:", "  sundial schedule toggle -s nightly --pause --reason 'maintenance'"})
  public static final class Toggle extends OneSchedule {
    @ArgGroup(exclusive = true, multiplicity = "1")
    PauseOrUnpause which;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why (kept as the schedule's notes).")
    String reason = "(no reason provided)";

    @Override
    protected int run(Client client, Output out) {
      SchedulePatch.Builder patch = SchedulePatch.newBuilder();
      if (which.pause) patch.setPause(reason); else patch.setUnpause(reason);
      patch(client, scheduleId, patch.build());
      out.line(which.pause ? "Schedule paused" : "Schedule unpaused");
      return 0;
    }
  }

  @Command(name = "trigger", description = "Take the schedule's action now.",
      footer = {"", "Example:", "  sundial schedule trigger -s nightly --overlap-policy AllowAll"})
  public static final class Trigger extends OneSchedule {
    @Option(names = "--overlap-policy", paramLabel = "<policy>",
        description = "Overlap policy for this action. Default: the schedule's.")
    String overlapPolicy;

    @Override
    protected void validate() {
      if (overlapPolicy != null) ScheduleSpecOptions.overlap(overlapPolicy, "--overlap-policy");
    }

    @Override
    protected int run(Client client, Output out) {
      TriggerImmediatelyRequest.Builder t = TriggerImmediatelyRequest.newBuilder();
      if (overlapPolicy != null) t.setOverlapPolicy(ScheduleSpecOptions.overlap(overlapPolicy, "--overlap-policy"));
      patch(client, scheduleId, SchedulePatch.newBuilder().setTriggerImmediately(t).build());
      out.line("Trigger schedule succeeded");
      return 0;
    }
  }

  @Command(name = "backfill", description = "Take the actions the schedule would have taken in a past time range.",
      footer = {"", "Example:", "  sundial schedule backfill -s nightly --start-time 2026-11-01T00:00:00Z"
          + " --end-time 2026-11-08T00:00:00Z --overlap-policy AllowAll"})
  public static final class Backfill extends OneSchedule {
    @Mixin TimeRange range = new TimeRange();

    @Option(names = "--overlap-policy", paramLabel = "<policy>", description = "Overlap policy for these actions.")
    String overlapPolicy;

    private BackfillRequest request() {
      BackfillRequest.Builder b = BackfillRequest.newBuilder()
          .setStartTime(range.start()).setEndTime(range.end());
      if (overlapPolicy != null) b.setOverlapPolicy(ScheduleSpecOptions.overlap(overlapPolicy, "--overlap-policy"));
      return b.build();
    }

    @Override
    protected void validate() {
      request();
    }

    @Override
    protected int run(Client client, Output out) {
      patch(client, scheduleId, SchedulePatch.newBuilder().addBackfillRequest(request()).build());
      out.line("Backfill request succeeded");
      return 0;
    }
  }

  @Command(name = "list-matching-times", description = "The times in a range at which the schedule fires.",
      footer = {"", "Example:", "  sundial schedule list-matching-times -s nightly"
          + " --start-time 2026-12-01T00:00:00Z --end-time 2026-12-08T00:00:00Z"})
  public static final class MatchingTimes extends OneSchedule {
    @Mixin TimeRange range = new TimeRange();

    @Override
    protected void validate() {
      range.start();
      range.end();
    }

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().listScheduleMatchingTimes(ListScheduleMatchingTimesRequest.newBuilder()
          .setNamespace(client.namespace()).setScheduleId(scheduleId)
          .setStartTime(range.start()).setEndTime(range.end()).build());
      if (out.isText()) {
        r.getStartTimeList().forEach(t -> out.line(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString()));
      } else {
        out.json(r);
      }
      return 0;
    }
  }

  static void patch(Client client, String scheduleId, SchedulePatch patch) {
    client.workflow().patchSchedule(PatchScheduleRequest.newBuilder().setNamespace(client.namespace())
        .setScheduleId(scheduleId).setPatch(patch).setIdentity(client.identity())
        .setRequestId(UUID.randomUUID().toString()).build());
  }
}
