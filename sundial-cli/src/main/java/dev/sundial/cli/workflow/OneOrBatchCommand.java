package dev.sundial.cli.workflow;

import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A change to one workflow (-w) or, as a batch job, to every workflow matching -q (cancel, terminate, delete). */
abstract class OneOrBatchCommand extends ClientCommand {
  @Mixin WorkflowTarget target = new WorkflowTarget();

  @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded).")
  String reason = "";

  /** The change to one workflow. */
  abstract void one(Client client);

  /** The same as a batch job's operation. */
  abstract void batch(Client client, StartBatchOperationRequest.Builder b);

  /** What text output says after the change to one workflow. */
  abstract String done();

  @Override
  protected void validate() {
    target.validate();
  }

  @Override
  protected int run(Client client, Output out) {
    if (target.isBatch()) {
      return Batches.start(this, client, out, target, reason, b -> batch(client, b));
    }
    one(client);
    out.line(done());
    return 0;
  }
}
