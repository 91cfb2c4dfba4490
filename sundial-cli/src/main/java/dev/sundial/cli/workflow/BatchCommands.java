package dev.sundial.cli.workflow;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Enums;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationRequest;
import io.temporal.api.workflowservice.v1.ListBatchOperationsRequest;
import io.temporal.api.workflowservice.v1.StopBatchOperationRequest;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code batch describe|list|terminate}: the jobs that bulk workflow commands start. */
@Command(name = "batch", description = "Look at and stop batch jobs (as 'temporal batch').",
    subcommands = {BatchCommands.Describe.class, BatchCommands.ListAll.class, BatchCommands.Terminate.class})
public final class BatchCommands extends GroupCommand {

  @Command(name = "describe", description = "Show a batch job's progress.",
      footer = {"", "Example:", "  sundial batch describe --job-id 8a6f..."})
  public static final class Describe extends ClientCommand {
    @Option(names = "--job-id", paramLabel = "<id>", required = true, description = "Batch job id.")
    String jobId;

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().describeBatchOperation(DescribeBatchOperationRequest.newBuilder()
          .setNamespace(client.namespace()).setJobId(jobId).build());
      if (!out.isText()) {
        out.json(r);
        return 0;
      }
      var card = Output.fields();
      card.put("JobId", r.getJobId());
      card.put("Type", Enums.display(r.getOperationType().name(), "BATCH_OPERATION_TYPE_"));
      card.put("State", Enums.display(r.getState().name(), "BATCH_OPERATION_STATE_"));
      card.put("StartTime", out.time(r.getStartTime()));
      card.put("CloseTime", r.hasCloseTime() ? out.time(r.getCloseTime()) : null);
      card.put("TotalOperationCount", r.getTotalOperationCount());
      card.put("CompleteOperationCount", r.getCompleteOperationCount());
      card.put("FailureOperationCount", r.getFailureOperationCount());
      card.put("Reason", r.getReason());
      out.card(card);
      return 0;
    }
  }

  @Command(name = "list", description = "List batch jobs.", footer = {"", "Example:", "  sundial batch list"})
  public static final class ListAll extends ClientCommand {
    @Option(names = "--limit", paramLabel = "<n>", description = "At most this many.")
    Integer limit;

    @Override
    protected int run(Client client, Output out) {
      var r = client.workflow().listBatchOperations(ListBatchOperationsRequest.newBuilder()
          .setNamespace(client.namespace()).setPageSize(limit == null ? 1000 : limit).build());
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        r.getOperationInfoList().forEach(i -> rows.add(List.of(i.getJobId(),
            Enums.display(i.getState().name(), "BATCH_OPERATION_STATE_"), out.time(i.getStartTime()))));
        out.table(List.of("JobId", "State", "StartTime"), rows);
      } else if (out.isJson()) {
        JsonArray array = new JsonArray();
        r.getOperationInfoList().forEach(i -> array.add(JsonParser.parseString(out.payloads(i))));
        out.printList(array);
      }
      return 0;
    }
  }

  @Command(name = "terminate", description = "Stop a running batch job.",
      footer = {"", "Example:", "  sundial batch terminate --job-id 8a6f... --reason 'wrong query'"})
  public static final class Terminate extends ClientCommand {
    @Option(names = "--job-id", paramLabel = "<id>", required = true, description = "Batch job id.")
    String jobId;

    @Option(names = "--reason", paramLabel = "<text>", required = true, description = "Why.")
    String reason;

    @Override
    protected int run(Client client, Output out) {
      client.workflow().stopBatchOperation(StopBatchOperationRequest.newBuilder()
          .setNamespace(client.namespace()).setJobId(jobId).setReason(reason)
          .setIdentity(client.identity()).build());
      out.line("Terminated batch " + jobId);
      return 0;
    }
  }
}
