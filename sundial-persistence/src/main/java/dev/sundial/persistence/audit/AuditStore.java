package dev.sundial.persistence.audit;

import java.util.List;

/** The audit log: appended, completed, listed, trimmed. Each write is committed before it returns. */
public interface AuditStore {

  /** The outcome of a record appended earlier. */
  record Outcome(long id, String outcome, String message) {}

  /**
   * Appends records (their ids ignored) and sets outcomes, all in one transaction (one commit for
   * many calls); returns the ids given to the appended records, in order.
   */
  List<Long> writeAudit(List<AuditRecord> appends, List<Outcome> outcomes);

  /** Records matching the query, newest first (by id). */
  List<AuditRecord> listAudit(AuditQuery query);

  /** Marks records pending since before {@code olderThan} as {@link AuditRecord#UNKNOWN}. */
  int resolvePendingAudit(long olderThan, String message);

  /** Deletes up to {@code limit} records older than {@code olderThan}; returns how many. */
  int deleteAuditBefore(long olderThan, int limit);
}
