package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.PayloadInput;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.time.Duration;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code workflow update start|execute|result|describe}. */
@Command(name = "update", description = "Send updates to a workflow and get their results.",
    subcommands = {UpdateCommands.Start.class, UpdateCommands.Execute.class, UpdateCommands.Result.class,
        UpdateCommands.Describe.class})
public final class UpdateCommands extends GroupCommand {
  /** Updates wait on the server up to its long-poll limit; a call is retried past that. */
  private static final Duration POLL = Duration.ofSeconds(70);

  abstract static class Targeting extends ClientCommand {
    @Option(names = {"-w", "--workflow-id"}, paramLabel = "<id>", required = true, description = "Workflow id.")
    String workflowId;

    @Option(names = {"-r", "--run-id"}, paramLabel = "<id>", description = "Run id. Default: the latest run.")
    String runId = "";

    WorkflowExecution execution() {
      return WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId).build();
    }
  }

  abstract static class Starting extends Targeting {
    @Option(names = {"--name", "--type"}, paramLabel = "<name>", required = true, description = "Update name.")
    String name;

    @Option(names = "--update-id", paramLabel = "<id>", description = "Update id. Default: a random UUID.")
    String updateId;

    @Option(names = "--first-execution-run-id", paramLabel = "<id>",
        description = "Only if the workflow's first run has this id.")
    String firstExecutionRunId = "";

    @Mixin PayloadInput input = new PayloadInput();

    @Override
    protected void validate() {
      input.payloads();
    }

    /** Sends the update and waits for the stage; the response's outcome when completed. */
    UpdateWorkflowExecutionResponse send(
        Client client, UpdateWorkflowExecutionLifecycleStage stage) {
      String id = updateId != null ? updateId : UUID.randomUUID().toString();
      Input.Builder in = Input.newBuilder().setName(name);
      var payloads = input.payloads();
      if (payloads != null) in.setArgs(payloads);
      var request = UpdateWorkflowExecutionRequest.newBuilder().setNamespace(client.namespace())
          .setWorkflowExecution(execution()).setFirstExecutionRunId(firstExecutionRunId)
          .setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(stage))
          .setRequest(Request.newBuilder().setMeta(Meta.newBuilder().setUpdateId(id)
              .setIdentity(client.identity())).setInput(in)).build();
      while (true) {
        var r = client.workflow(POLL).updateWorkflowExecution(request);
        if (r.getStage().getNumber() >= stage.getNumber() || client.expired()) return r;
      }
    }
  }

  @Command(name = "start", description = "Send an update and wait until the workflow accepts (or rejects) it.",
      footer = {"", "Example:", "  sundial workflow update start -w cart-7 --name addItem"
          + " --wait-for-stage accepted -i '{\"sku\": \"A1\"}'"})
  public static final class Start extends Starting {
    @Option(names = "--wait-for-stage", paramLabel = "<stage>", required = true,
        description = "accepted (the only stage temporal's CLI offers here).")
    String waitForStage;

    @Override
    protected void validate() {
      super.validate();
      if (!waitForStage.equalsIgnoreCase("accepted")) {
        throw new IllegalArgumentException("--wait-for-stage must be accepted but was '" + waitForStage + "'");
      }
    }

    @Override
    protected int run(Client client, Output out) {
      var r = send(client, UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED);
      if (r.hasOutcome() && r.getOutcome().hasFailure()) {
        return printOutcome(out, spec, r.getUpdateRef(), r.getOutcome());
      }
      if (out.isText()) {
        var card = Output.fields();
        card.put("Name", name);
        card.put("UpdateId", r.getUpdateRef().getUpdateId());
        card.put("Stage", Enums.display(r.getStage().name(), "UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_"));
        out.card(card);
      } else if (out.isJson()) {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("updateId", r.getUpdateRef().getUpdateId());
        o.addProperty("stage", r.getStage().name());
        out.printJson(o);
      }
      return 0;
    }
  }

  @Command(name = "execute", description = "Send an update and print its result; exit status 1 if it failed.",
      footer = {"", "Example:", "  sundial workflow update execute -w cart-7 --name addItem -i '{\"sku\": \"A1\"}'"})
  public static final class Execute extends Starting {
    @Override
    protected int run(Client client, Output out) {
      var r = send(client, UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
      return printOutcome(out, spec, r.getUpdateRef(), r.getOutcome());
    }
  }

  /** An update already sent, by its id (result, describe). */
  abstract static class ById extends Targeting {
    @Option(names = "--update-id", paramLabel = "<id>", required = true, description = "Update id.")
    String updateId;

    UpdateRef ref() {
      return UpdateRef.newBuilder().setWorkflowExecution(execution()).setUpdateId(updateId).build();
    }

    /** Polls the update; {@code wait} (may be null) says up to which stage the server waits. */
    PollWorkflowExecutionUpdateResponse poll(
        Client client, UpdateWorkflowExecutionLifecycleStage wait) {
      var b = PollWorkflowExecutionUpdateRequest.newBuilder().setNamespace(client.namespace())
          .setUpdateRef(ref()).setIdentity(client.identity());
      if (wait == null) {
        return client.workflow().pollWorkflowExecutionUpdate(b.build());
      }
      b.setWaitPolicy(WaitPolicy.newBuilder().setLifecycleStage(wait));
      return client.workflow(POLL).pollWorkflowExecutionUpdate(b.build());
    }
  }

  @Command(name = "result", description = "Wait for an update's result; exit status 1 if it failed.",
      footer = {"", "Example:", "  sundial workflow update result -w cart-7 --update-id 42"})
  public static final class Result extends ById {
    @Override
    protected int run(Client client, Output out) {
      while (true) {
        var r = poll(client, UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
        if (r.hasOutcome() || client.expired()) return printOutcome(out, spec, ref(), r.getOutcome());
      }
    }
  }

  @Command(name = "describe", description = "An update's stage and, when completed, its outcome.",
      footer = {"", "Example:", "  sundial workflow update describe -w cart-7 --update-id 42"})
  public static final class Describe extends ById {
    @Override
    protected int run(Client client, Output out) {
      var r = poll(client, null);
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var card = Output.fields();
      card.put("UpdateId", updateId);
      card.put("Stage", Enums.display(r.getStage().name(), "UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_"));
      if (r.hasOutcome()) {
        card.put(r.getOutcome().hasSuccess() ? "Result" : "Failure", r.getOutcome().hasSuccess()
            ? out.values(r.getOutcome().getSuccess()) : r.getOutcome().getFailure().getMessage());
      }
      out.card(card);
      return 0;
    }
  }

  static int printOutcome(Output out, CommandLine.Model.CommandSpec spec, UpdateRef ref, Outcome o) {
    boolean ok = o.hasSuccess();
    if (out.isText()) {
      var card = Output.fields();
      card.put("UpdateId", ref.getUpdateId());
      card.put(ok ? "Result" : "Failure", ok ? out.values(o.getSuccess()) : o.getFailure().getMessage());
      out.card(card);
    } else if (out.isJson()) {
      JsonObject j = new JsonObject();
      j.addProperty("updateId", ref.getUpdateId());
      if (ok) {
        j.add("result", JsonParser.parseString(out.values(o.getSuccess())));
      } else {
        j.add("failure", JsonParser.parseString(out.payloads(o.getFailure())));
      }
      out.printJson(j);
    }
    return ok ? 0 : ClientCommand.FAILED;
  }
}
