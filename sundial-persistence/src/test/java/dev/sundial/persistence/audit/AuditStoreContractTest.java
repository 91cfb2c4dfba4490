package dev.sundial.persistence.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit_log table contract; one subclass per store implementation. */
public abstract class AuditStoreContractTest {
  @TempDir protected Path dir;
  protected Store store;
  private AuditStore audit;

  protected abstract Store newStore(Path dir);

  @BeforeEach
  void open() {
    store = newStore(dir);
    audit = store.audit();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static AuditRecord rec(long time, String who, String ns, String op, String target) {
    return new AuditRecord(0, time, who, "api-key", "127.0.0.1:5000", "grpc", ns, op, target,
        "req-" + time, AuditRecord.PENDING, null);
  }

  private long append(AuditRecord r) {
    return audit.writeAudit(List.of(r), List.of()).get(0);
  }

  private void complete(long id, String outcome, String message) {
    audit.writeAudit(List.of(), List.of(new AuditStore.Outcome(id, outcome, message)));
  }

  private static AuditQuery all(int limit) {
    return new AuditQuery(null, null, null, null, null, null, 0, limit);
  }

  @Test
  void appendsCompletesAndListsNewestFirstWithFiltersAndPages() {
    long a = append(rec(100, "alice", "orders", "StartWorkflowExecution", "workflow:o-1"));
    long b = append(rec(200, "bob", "orders", "TerminateWorkflowExecution", "workflow:o-1"));
    long c = append(rec(300, "alice", "billing", "SignalWorkflowExecution", "workflow:b-1"));
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
    complete(a, "OK", null);
    complete(b, "PERMISSION_DENIED", "needs write");

    List<AuditRecord> newest = audit.listAudit(all(10));
    assertThat(newest).extracting(AuditRecord::id).containsExactly(c, b, a);
    assertThat(newest.get(1)).isEqualTo(new AuditRecord(b, 200, "bob", "api-key", "127.0.0.1:5000",
        "grpc", "orders", "TerminateWorkflowExecution", "workflow:o-1", "req-200",
        "PERMISSION_DENIED", "needs write"));
    assertThat(newest.get(0).outcome()).isEqualTo(AuditRecord.PENDING);

    assertThat(audit.listAudit(new AuditQuery(null, null, "alice", null, null, null, 0, 10)))
        .extracting(AuditRecord::id).containsExactly(c, a);
    assertThat(audit.listAudit(new AuditQuery(150L, 300L, null, "orders", null, null, 0, 10)))
        .extracting(AuditRecord::id).containsExactly(b);
    assertThat(audit.listAudit(new AuditQuery(null, null, null, null, null, "workflow:o-1", 0, 10)))
        .extracting(AuditRecord::id).containsExactly(b, a);
    assertThat(audit.listAudit(new AuditQuery(null, null, null, null, "SignalWorkflowExecution",
        null, 0, 10))).extracting(AuditRecord::id).containsExactly(c);
    // Paging: after the first page of two, the rest.
    assertThat(audit.listAudit(all(2))).extracting(AuditRecord::id).containsExactly(c, b);
    assertThat(audit.listAudit(new AuditQuery(null, null, null, null, null, null, b, 2)))
        .extracting(AuditRecord::id).containsExactly(a);
  }

  @Test
  void manyAppendsAndOutcomesCommitTogether() {
    long first = append(rec(50, "alice", "orders", "StartWorkflowExecution", "workflow:0"));
    List<Long> ids = audit.writeAudit(
        List.of(rec(60, "alice", "orders", "SignalWorkflowExecution", "workflow:0"),
            rec(70, "bob", "orders", "SignalWorkflowExecution", "workflow:0")),
        List.of(new AuditStore.Outcome(first, "OK", null)));
    assertThat(ids).hasSize(2);
    assertThat(ids.get(0)).isGreaterThan(first);
    assertThat(ids.get(1)).isGreaterThan(ids.get(0));
    assertThat(audit.listAudit(all(10))).extracting(AuditRecord::outcome)
        .containsExactly(AuditRecord.PENDING, AuditRecord.PENDING, "OK");
    assertThat(audit.writeAudit(List.of(), List.of())).isEmpty();
  }

  @Test
  void pendingRecordsAreResolvedAndOldOnesDeleted() {
    long a = append(rec(100, "alice", "orders", "StartWorkflowExecution", "workflow:1"));
    long b = append(rec(500, "alice", "orders", "StartWorkflowExecution", "workflow:2"));
    assertThat(audit.resolvePendingAudit(300, "the server stopped before answering")).isEqualTo(1);
    assertThat(audit.listAudit(all(10))).extracting(AuditRecord::outcome)
        .containsExactly(AuditRecord.PENDING, AuditRecord.UNKNOWN);
    assertThat(audit.deleteAuditBefore(300, 100)).isEqualTo(1);
    assertThat(audit.listAudit(all(10))).extracting(AuditRecord::id).containsExactly(b);
    assertThat(a).isPositive();
  }
}
