package dev.sundial.cli.activity;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.Output;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.activity.v1.ActivityExecutionOutcome;
import io.temporal.api.workflowservice.v1.PollActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PollActivityExecutionResponse;
import java.time.Duration;

/** Waiting for a standalone activity's outcome and printing it (execute, result). */
final class ActivityOutcomes {
  /** Each poll's own deadline; the server answers sooner when its long poll ends. */
  private static final Duration LONG_POLL = Duration.ofSeconds(70);

  private ActivityOutcomes() {}

  /**
   * The poll that brought the outcome (with the run it belongs to), polling until there is one;
   * null if the command's timeout passes first.
   */
  static PollActivityExecutionResponse await(Client client, String activityId, String runId) {
    var request = PollActivityExecutionRequest.newBuilder()
        .setNamespace(client.namespace()).setActivityId(activityId).setRunId(runId).build();
    while (!client.expired()) {
      try {
        var r = client.workflow(LONG_POLL).pollActivityExecution(request);
        if (r.hasOutcome()) return r;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED || client.expired()) throw e;
      }
    }
    return null;
  }

  /** Prints the outcome as {@code temporal activity result} does; true when it completed. */
  static boolean print(Output out, String activityId, String runId, ActivityExecutionOutcome o) {
    boolean completed = !o.hasFailure();
    if (out.isText()) {
      out.line("Results:");
      var card = Output.fields();
      card.put("Status", completed ? "COMPLETED" : "FAILED");
      if (completed) {
        card.put("Result", o.hasResult() ? out.values(o.getResult()) : "(none)");
      } else {
        card.put("Failure", o.getFailure().getMessage());
      }
      out.card(card);
    } else if (out.isJson()) {
      JsonObject j = new JsonObject();
      j.addProperty("activityId", activityId);
      j.addProperty("runId", runId);
      j.addProperty("status", completed ? "COMPLETED" : "FAILED");
      if (completed) {
        if (o.hasResult()) j.add("result", JsonParser.parseString(out.values(o.getResult())));
      } else {
        j.add("failure", JsonParser.parseString(out.payloads(o.getFailure())));
      }
      out.printJson(j);
    }
    return completed;
  }
}
