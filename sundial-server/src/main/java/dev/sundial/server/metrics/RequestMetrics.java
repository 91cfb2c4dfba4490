package dev.sundial.server.metrics;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.sundial.engine.metrics.CappedTagValues;
import dev.sundial.engine.metrics.Meters;
import dev.sundial.server.rpc.RequestFields;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Temporal's frontend request metrics for every call to the public services, whichever transport
 * brought it (socket, in-process, HTTP through the in-process server): {@code service_requests},
 * {@code service_latency}, {@code service_pending_requests}, and for failures {@code
 * service_error_with_type} (every error, by Temporal's error type name), {@code service_errors}
 * (only those that are not the caller's doing, as Temporal counts them) and the per-kind counters
 * ({@code service_errors_entity_not_found}, {@code _execution_already_started}, {@code
 * _resource_exhausted}, {@code _unauthorized}); by {@code operation}, {@code namespace} and
 * {@code service_name}. Successful calls that Temporal bills count as {@code action}.
 */
public final class RequestMetrics implements ServerInterceptor {
  /**
   * A call refused before its request was read, or naming a namespace that does not exist, is
   * labelled with Temporal's placeholder: clients cannot add label values at will.
   */
  static final String UNKNOWN_NAMESPACE = "_unknown_";

  private final MeterRegistry registry;
  private final CappedTagValues namespaces;
  private final Predicate<String> namespaceExists;
  private final Map<OperationKey, Operation> operations = new ConcurrentHashMap<>();
  private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

  public RequestMetrics(MeterRegistry registry, Predicate<String> namespaceExists,
      int namespaceLimit) {
    this.registry = registry;
    this.namespaceExists = namespaceExists;
    this.namespaces = new CappedTagValues(namespaceLimit);
  }

  private record OperationKey(String operation, String namespace) {}

  /** A counter of one operation's meters (compared by identity) with one extra label value. */
  private record CounterKey(String name, Operation op, String tagValue) {}

  /** The meters of one operation in one namespace. */
  private final class Operation {
    final String namespace;
    final Tags tags;
    final Counter requests;
    final Timer latency;
    final AtomicLong pending = new AtomicLong();

    Operation(String operation, String namespace) {
      this.namespace = namespace;
      tags = Tags.of("service_name", "frontend", "operation", operation, "namespace", namespace);
      requests = registry.counter("service_requests", tags);
      // at 0 from the first call: an availability ratio is 100%, not "no data"
      registry.counter("service_errors", tags);
      latency = Meters.latency(registry, "service_latency", tags);
      Gauge.builder("service_pending_requests", pending, AtomicLong::get).tags(tags)
          .register(registry);
    }
  }

  private Operation operation(String operation, String namespace) {
    return operations.computeIfAbsent(new OperationKey(operation, namespace),
        k -> new Operation(operation, namespace));
  }

  private void count(String name, Operation op, String tagKey, String tagValue) {
    counters.computeIfAbsent(new CounterKey(name, op, tagValue), k -> registry.counter(name,
        tagKey == null ? op.tags : op.tags.and(tagKey, tagValue))).increment();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Call<Q, R> tracked = new Call<>(call);
    ServerCall.Listener<Q> delegate = next.startCall(tracked, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        tracked.request(message);
        super.onMessage(message);
      }

      @Override
      public void onCancel() {
        tracked.finish(Status.CANCELLED, null);
        super.onCancel();
      }
    };
  }

  /** One call: when it started, its namespace once read, its response, its end (once). */
  private final class Call<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    final long start = System.nanoTime();
    final String method;
    final AtomicBoolean done = new AtomicBoolean();
    volatile Operation op;
    volatile Message request;
    volatile Message response;

    Call(ServerCall<Q, R> call) {
      super(call);
      this.method = call.getMethodDescriptor().getBareMethodName();
    }

    void request(Q message) {
      if (op != null || !(message instanceof Message m)) {
        return;
      }
      request = m;
      String ns = RequestFields.string(m, "namespace");
      op = operation(method,
          ns.isEmpty() || !namespaceExists.test(ns) ? UNKNOWN_NAMESPACE : namespaces.of(ns));
      op.pending.incrementAndGet();
    }

    @Override
    public void sendMessage(R message) {
      if (message instanceof Message m) {
        response = m;
      }
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      finish(status, trailers);
      super.close(status, trailers);
    }

    void finish(Status status, Metadata trailers) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      Operation o = op == null ? operation(method, UNKNOWN_NAMESPACE) : op;
      if (op != null) {
        o.pending.decrementAndGet();
      }
      o.requests.increment();
      o.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (status.isOk()) {
        for (String action : Actions.of(method, request, response)) {
          count("action", o, "action_type", action);
        }
        for (String type : Actions.commandTypes(request)) {
          // Temporal's history counts each command of a completed workflow task by type.
          counters.computeIfAbsent(new CounterKey("command", o, type), k -> registry.counter(
              "command", Tags.of("service_name", "history", "operation", method,
                  "namespace", o.namespace, "commandType", type))).increment();
        }
        return;
      }
      Any detail = detail(status, trailers);
      count("service_error_with_type", o, "error_type", ErrorTypes.of(status.getCode(), detail));
      if (!ErrorTypes.expected(status.getCode(), detail)) {
        count("service_errors", o, null, null);
      }
      switch (status.getCode()) {
        case NOT_FOUND -> count("service_errors_entity_not_found", o, null, null);
        case ALREADY_EXISTS -> {
          if (ErrorTypes.alreadyStarted(detail)) {
            count("service_errors_execution_already_started", o, null, null);
          }
        }
        case RESOURCE_EXHAUSTED -> count("service_errors_resource_exhausted", o,
            "resource_exhausted_cause", ErrorTypes.exhaustedCause(detail));
        case PERMISSION_DENIED, UNAUTHENTICATED -> count("service_errors_unauthorized", o, null, null);
        default -> { }
      }
    }
  }

  /** The Temporal failure detail of an error (its first detail), or null. */
  private static Any detail(Status status, Metadata trailers) {
    if (trailers == null) {
      return null;
    }
    com.google.rpc.Status s = StatusProto.fromStatusAndTrailers(status, trailers);
    return s == null || s.getDetailsCount() == 0 ? null : s.getDetails(0);
  }
}
