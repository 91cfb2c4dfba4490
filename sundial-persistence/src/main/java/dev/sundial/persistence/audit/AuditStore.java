package dev.sundial.persistence.audit;

import java.util.List;

/** The audit log: appended, completed, listed, trimmed. Each write is committed before it returns. */
public interface AuditStore {

  /** Appends a record (its id ignored) and returns the id given to it. */
  long appendAudit(AuditRecord record);

  /** Sets the outcome of a record (a pending one). */
  void completeAudit(long id, String outcome, String message);

  /** Records matching the query, newest first (by id). */
  List<AuditRecord> listAudit(AuditQuery query);

  /** Marks records pending since before {@code olderThan} as {@link AuditRecord#UNKNOWN}. */
  int resolvePendingAudit(long olderThan, String message);

  /** Deletes up to {@code limit} records older than {@code olderThan}; returns how many. */
  int deleteAuditBefore(long olderThan, int limit);
}
