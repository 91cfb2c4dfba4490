package dev.sundial.persistence.audit;

/**
 * One audited call: when (epoch millis), who (principal and how it authenticated), from where
 * (source address, transport), what (namespace, operation, target, request id) and the outcome (a
 * gRPC status code name; {@link #PENDING} while the call runs, {@link #UNKNOWN} when the server
 * stopped before it answered). {@code id} is assigned by the store.
 */
public record AuditRecord(
    long id,
    long time,
    String principal,
    String authType,
    String source,
    String transport,
    String namespace,
    String operation,
    String target,
    String requestId,
    String outcome,
    String message) {
  public static final String PENDING = "PENDING";
  public static final String UNKNOWN = "UNKNOWN";
}
