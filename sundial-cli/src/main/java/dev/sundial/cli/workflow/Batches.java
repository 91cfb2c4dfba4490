package dev.sundial.cli.workflow;

import com.google.gson.JsonObject;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.util.UUID;
import java.util.function.Consumer;

/** Bulk signal/cancel/terminate/delete by query: a batch job, after a confirmation with the count. */
final class Batches {
  private Batches() {}

  static int start(ClientCommand command, Client client, Output out, WorkflowTarget target,
      String reason, Consumer<StartBatchOperationRequest.Builder> operation) {
    long count = client.workflow().countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder()
        .setNamespace(client.namespace()).setQuery(target.query).build()).getCount();
    if (!target.yes && !confirmed(command, count)) {
      out.line("Not started.");
      return ClientCommand.FAILED;
    }
    String jobId = UUID.randomUUID().toString();
    var b = StartBatchOperationRequest.newBuilder().setNamespace(client.namespace())
        .setJobId(jobId).setVisibilityQuery(target.query)
        .setReason(reason.isEmpty() ? "sundial-cli" : reason);
    if (target.rps != null) b.setMaxOperationsPerSecond(target.rps);
    operation.accept(b);
    client.workflow().startBatchOperation(b.build());
    if (out.isText()) {
      out.line("Started batch for job ID: " + jobId + " (" + count + " workflows match)");
    } else if (out.isJson()) {
      JsonObject o = new JsonObject();
      o.addProperty("batchJobId", jobId);
      o.addProperty("matchingWorkflows", count);
      out.printJson(o);
    }
    return 0;
  }

  private static boolean confirmed(ClientCommand command, long count) {
    return command.ask("Start a batch job for " + count + " workflow(s)?");
  }
}
