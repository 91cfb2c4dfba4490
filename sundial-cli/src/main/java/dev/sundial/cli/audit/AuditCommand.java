package dev.sundial.cli.audit;

import com.google.gson.JsonArray;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sundial.cli.client.Client;
import dev.sundial.cli.client.ClientCommand;
import dev.sundial.cli.client.Durations;
import dev.sundial.cli.client.GroupCommand;
import dev.sundial.cli.client.Output;
import dev.sundial.cli.client.Times;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.AuditRecord;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sundial audit list}: the audit log (needs the system read role). */
@Command(name = "audit", description = "Read the audit log of every change (needs the system read role).",
    subcommands = {AuditCommand.ListRecords.class})
public final class AuditCommand extends GroupCommand {

  @Command(name = "list", description = "Audit records, newest first, with filters; -o jsonl exports them.",
      footer = {"", "Examples:",
          "  sundial audit list --since 24h --principal ci",
          "  sundial audit list --namespace orders --operation TerminateWorkflowExecution",
          "  sundial audit list --limit 0 -o jsonl > audit.jsonl     (everything, one JSON per line)"})
  public static final class ListRecords extends ClientCommand {
    @Option(names = "--principal", paramLabel = "<name>", description = "Who made the calls.")
    String principal;

    @Option(names = "--operation", paramLabel = "<rpc>", description = "e.g. StartWorkflowExecution.")
    String operation;

    @Option(names = "--target", paramLabel = "<target>",
        description = "e.g. workflow:order-1, schedule:nightly, api-key:ci.")
    String target;

    @Option(names = "--since", paramLabel = "<duration>", description = "Only the last, e.g. 1h.")
    String since;

    @Option(names = "--start-time", paramLabel = "<time>", description = "From this RFC 3339 time.")
    String startTime;

    @Option(names = "--end-time", paramLabel = "<time>", description = "Before this RFC 3339 time.")
    String endTime;

    @Option(names = "--limit", paramLabel = "<n>",
        description = "At most this many records; 0 for all. Default: 100.")
    int limit = 100;

    @Override
    protected void validate() {
      if (since != null && startTime != null) {
        throw new IllegalArgumentException("give --since or --start-time, not both");
      }
      if (limit < 0) throw new IllegalArgumentException("--limit must be 0 or more");
    }

    @Override
    protected int run(Client client, Output out) {
      var req = ListAuditRecordsRequest.newBuilder();
      if (principal != null) req.setPrincipal(principal);
      if (clientOptions.explicitNamespace() != null) req.setNamespace(clientOptions.explicitNamespace());
      if (operation != null) req.setOperation(operation);
      if (target != null) req.setTarget(target);
      if (since != null) {
        Instant from = Instant.now().minus(Durations.parse(since, "--since"));
        req.setStartTime(Timestamp.newBuilder().setSeconds(from.getEpochSecond()).setNanos(from.getNano()));
      } else if (startTime != null) {
        req.setStartTime(Times.parse(startTime, "--start-time"));
      }
      if (endTime != null) req.setEndTime(Times.parse(endTime, "--end-time"));
      List<AuditRecord> records = new ArrayList<>();
      ByteString token = ByteString.EMPTY;
      do {
        int want = limit == 0 ? 1000 : Math.min(1000, limit - records.size());
        var page = client.call(AdminApi.LIST_AUDIT_RECORDS,
            req.setPageSize(want).setNextPageToken(token).build());
        records.addAll(page.getRecordsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty() && (limit == 0 || records.size() < limit));
      if (out.isText()) {
        List<List<String>> rows = new ArrayList<>();
        for (AuditRecord r : records) {
          rows.add(List.of(out.time(r.getTime()), r.getPrincipal(), r.getTransport(),
              r.getNamespace(), r.getOperation(), r.getTarget(), r.getOutcome()));
        }
        out.table(List.of("Time", "Principal", "Via", "Namespace", "Operation", "Target", "Outcome"),
            rows);
      } else {
        JsonArray a = new JsonArray();
        records.forEach(r -> a.add(Output.jsonObject(r)));
        out.printList(a);
      }
      return 0;
    }
  }
}
