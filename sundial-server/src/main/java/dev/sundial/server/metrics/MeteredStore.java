package dev.sundial.server.metrics;

import dev.sundial.engine.metrics.Meters;
import dev.sundial.persistence.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The store as the engine uses it, with Temporal's persistence metrics around every operation:
 * {@code persistence_requests}, {@code persistence_errors} and {@code persistence_latency} by
 * {@code operation} (the store method, e.g. {@code Commit}, {@code GetExecution}, {@code
 * ReadHistory}); and Sundial's group commit, whose transaction is the {@code Commit} operation:
 * {@code sundial_commit_batch_size}, the writes committed together. The sub-stores (visibility,
 * schedules, ...) are measured the same way.
 */
final class MeteredStore implements InvocationHandler {
  /** Accessors that do no I/O: not operations. */
  private static final Set<String> NOT_OPERATIONS = Set.of("close", "writeProblem", "clusterSecret");

  private final Object target;
  private final MeterRegistry registry;
  private final Map<Method, OperationMeters> meters = new ConcurrentHashMap<>();
  private final Map<Method, Object> subStores = new ConcurrentHashMap<>();
  private final DistributionSummary batchSize;

  private record OperationMeters(Counter requests, Counter errors, Timer latency) {}

  private MeteredStore(Object target, MeterRegistry registry, DistributionSummary batchSize) {
    this.target = target;
    this.registry = registry;
    this.batchSize = batchSize;
  }

  static Store wrap(Store store, MeterRegistry registry) {
    return (Store) proxy(Store.class, store, registry,
        Meters.counts(registry, "sundial_commit_batch_size", Tags.empty()));
  }

  private static Object proxy(Class<?> type, Object target, MeterRegistry registry,
      DistributionSummary batchSize) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        new MeteredStore(target, registry, batchSize));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class || NOT_OPERATIONS.contains(method.getName())) {
      return call(method, args);
    }
    if (method.getParameterCount() == 0 && method.getReturnType().isInterface()
        && method.getReturnType().getPackageName().startsWith("dev.sundial.persistence")) {
      // visibility(), schedules(), ...: the sub-store, measured too
      Object sub = subStores.get(method);
      if (sub == null) {
        // a store without it throws (UnsupportedOperationException), as unwrapped
        sub = proxy(method.getReturnType(), call(method, args), registry, batchSize);
        subStores.putIfAbsent(method, sub);
      }
      return sub;
    }
    OperationMeters m = meters.computeIfAbsent(method, this::metersOf);
    long start = System.nanoTime();
    try {
      Object result = call(method, args);
      if (method.getName().equals("commit") && args != null && args[0] instanceof List<?> writes) {
        batchSize.record(writes.size());
      }
      return result;
    } catch (Throwable e) {
      m.errors().increment();
      throw e;
    } finally {
      m.requests().increment();
      m.latency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private OperationMeters metersOf(Method method) {
    String name = method.getName();
    Tags tags = Tags.of("service_name", "history", "operation",
        Character.toUpperCase(name.charAt(0)) + name.substring(1));
    return new OperationMeters(registry.counter("persistence_requests", tags),
        registry.counter("persistence_errors", tags),
        Meters.latency(registry, "persistence_latency", tags));
  }
}
