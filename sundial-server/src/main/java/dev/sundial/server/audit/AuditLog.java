package dev.sundial.server.audit;

import com.google.protobuf.Message;
import dev.sundial.persistence.audit.AuditQuery;
import dev.sundial.persistence.audit.AuditRecord;
import dev.sundial.persistence.audit.AuditStore;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.OriginHeader.Origin;
import dev.sundial.server.security.Principal;
import dev.sundial.server.security.RpcPolicy;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of every call that changes something: control plane (namespaces, search
 * attributes, schedules, batch jobs, API keys, users) and data plane (start, signal, update,
 * cancel, terminate, reset, delete, activity completion by id); worker task traffic only when
 * asked. A record is committed before the call acts ({@code PENDING}), so no change exists without
 * its record; the outcome (the call's status code) follows. A refused call is recorded with its
 * refusal. Records older than the retention are deleted; ones still pending long after their call
 * (the server stopped before answering) become {@code UNKNOWN}.
 */
public final class AuditLog implements AutoCloseable, AuthInterceptor.Refusals {
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  /** No audited call runs this long: a record pending longer was cut off by a stop. */
  static final Duration PENDING_CUTOFF = Duration.ofMinutes(15);
  private static final int MAX_MESSAGE = 500;

  private final AuditStore store;
  private final AuditWriter writer;
  private final Clock clock;
  private final boolean workerCalls;
  private final Duration retention;
  private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sundial-audit");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param workerCalls whether worker task traffic (polls, task completions, heartbeats) is
   *     recorded too
   * @param retention how long records are kept (null: forever)
   */
  public AuditLog(AuditStore store, Clock clock, boolean workerCalls, Duration retention) {
    this.store = store;
    this.writer = new AuditWriter(store);
    this.clock = clock;
    this.workerCalls = workerCalls;
    this.retention = retention;
    background.scheduleWithFixedDelay(this::housekeeping, 5, 60, TimeUnit.SECONDS);
  }

  /** Whether calls of this method are recorded. */
  public boolean audited(String fullMethodName) {
    String method = fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
    RpcPolicy.Rule rule = RpcPolicy.of(fullMethodName);
    if (rule.scope() == RpcPolicy.Scope.OPEN) return false;
    for (String read : new String[] {"Get", "Describe", "List", "Count", "Poll", "Query", "Scan", "Fetch"}) {
      if (method.startsWith(read) && rule.access() != RpcPolicy.Access.WORKER) return false;
    }
    return switch (rule.access()) {
      case READ -> false;
      case WORKER -> workerCalls || method.endsWith("ById");
      case WRITE, ADMIN -> true;
    };
  }

  /**
   * Records a call about to act; returns its record's id once committed (with the records of the
   * calls arriving meanwhile, in one transaction). Throws when it cannot be written.
   */
  long begin(Principal principal, Origin origin, String method, Message request) {
    AuditRecord r = record(principal, origin, method, request, AuditRecord.PENDING, null);
    try {
      return writer.append(r).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the audit record", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the audit record was not written within 30 s", e);
    }
  }

  /** Records the outcome of a call begun; with the next batch. */
  void end(long id, Status status) {
    String message = status.isOk() ? null : trim(status.getDescription());
    writer.outcome(id, status.getCode().name(), message);
  }

  /**
   * Records an audited call refused before it acted (authentication or authorization); in the
   * background.
   */
  @Override
  public void refused(Principal principal, Origin origin, String method, Message request,
      Status status) {
    if (!audited(method)) return;
    writer.append(record(principal, origin, method, request, status.getCode().name(),
        trim(status.getDescription())));
  }

  public List<AuditRecord> list(AuditQuery query) {
    return store.listAudit(query);
  }

  private AuditRecord record(Principal principal, Origin origin, String fullMethod,
      Message request, String outcome, String message) {
    String method = fullMethod.substring(fullMethod.lastIndexOf('/') + 1);
    return new AuditRecord(0, clock.millis(),
        principal == null ? "anonymous" : principal.isAnonymous() ? "anonymous" : principal.subject(),
        principal == null ? "none" : principal.authType(),
        origin.source(), origin.transport(), AuditTargets.namespace(request), method,
        AuditTargets.of(method, request), AuditTargets.requestId(request), outcome, message);
  }

  private void housekeeping() {
    try {
      long now = clock.millis();
      store.resolvePendingAudit(now - PENDING_CUTOFF.toMillis(),
          "the server stopped before answering");
      if (retention != null) {
        while (store.deleteAuditBefore(now - retention.toMillis(), 1000) == 1000) {
          // the next batch
        }
      }
    } catch (RuntimeException e) {
      log.warn("audit log housekeeping failed: {}", e.toString());
    }
  }

  private static String trim(String s) {
    return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
  }

  @Override
  public void close() {
    writer.close();
    background.shutdown();
    try {
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
