package dev.sundial.server.frontend;

import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.ResourceExhaustedScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps visibility queries (list, count, scan) from starving workflow traffic: a per-namespace
 * rate (token bucket) and a bound on how many run at once, shared by all namespaces. A query over
 * either limit gets RESOURCE_EXHAUSTED with Temporal's ResourceExhaustedFailure details (SDKs
 * retry those with backoff); one that finds every slot busy waits briefly for one first.
 */
public final class VisibilityAdmission {
  /** Visibility queries per second per namespace, and the burst above it (Builder options). */
  public record Limits(double perNamespacePerSecond, int burst, int concurrent, long waitMillis) {
    public static Limits defaults() {
      return new Limits(1_000, 2_000, Math.max(2, Runtime.getRuntime().availableProcessors()), 2_000);
    }
  }

  private final Limits limits;
  private final Semaphore running;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  VisibilityAdmission(Limits limits) {
    this.limits = limits;
    this.running = new Semaphore(limits.concurrent());
  }

  <T> T run(String namespace, Supplier<T> query) {
    if (!buckets.computeIfAbsent(namespace,
        n -> new TokenBucket(limits.perNamespacePerSecond(), limits.burst())).take()) {
      throw exhausted(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT,
          "namespace visibility rate limit exceeded (" + limits.perNamespacePerSecond() + "/s)");
    }
    boolean admitted;
    try {
      admitted = running.tryAcquire(limits.waitMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitted = false;
    }
    if (!admitted) {
      throw exhausted(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT,
          "too many visibility queries running (" + limits.concurrent() + "); retry later");
    }
    try {
      return query.get();
    } finally {
      running.release();
    }
  }

  private static StatusRuntimeException exhausted(ResourceExhaustedCause cause, String message) {
    return GrpcErrors.resourceExhausted(
        cause, ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_NAMESPACE, message);
  }
}
