package dev.sundial.persistence.audit;

/**
 * Which audit records to list, newest first: every filter is optional (null); {@code fromTime}
 * inclusive, {@code toTime} exclusive (epoch millis); the page starts after the record with id
 * {@code beforeId} (0: from the newest).
 */
public record AuditQuery(
    Long fromTime,
    Long toTime,
    String principal,
    String namespace,
    String operation,
    String target,
    long beforeId,
    int limit) {}
