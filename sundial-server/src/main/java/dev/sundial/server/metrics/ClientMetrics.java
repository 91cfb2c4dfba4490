package dev.sundial.server.metrics;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import dev.sundial.engine.metrics.Meters;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.TimeUnit;

/**
 * Temporal's client metrics ({@code client_requests}, {@code client_errors}, {@code
 * client_latency} by {@code operation}) for the calls a cluster node makes to another: relayed
 * API calls (by RPC) and internal calls (by what they ask: {@code StartWorkflowTask}, ...). In
 * Temporal these are the calls between its services; in Sundial, between nodes.
 */
final class ClientMetrics implements ClientInterceptor {
  private final MeterRegistry registry;

  ClientMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      private final long start = System.nanoTime();
      private volatile String operation = method.getBareMethodName();

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            record(operation, status, System.nanoTime() - start);
            super.onClose(status, trailers);
          }
        }, headers);
      }

      @Override
      public void sendMessage(Q message) {
        if (message instanceof Message m) {
          String op = oneofCase(m);
          if (op != null) operation = op;
        }
        super.sendMessage(message);
      }
    };
  }

  private void record(String operation, Status status, long nanos) {
    Tags tags = Tags.of("service_name", "frontend", "operation", operation);
    registry.counter("client_requests", tags).increment();
    Meters.latency(registry, "client_latency", tags).record(nanos, TimeUnit.NANOSECONDS);
    if (!status.isOk()) {
      registry.counter("client_errors", tags).increment();
    }
  }

  /** The field set in a message's oneof (an internal call's kind), in Temporal's case. */
  private static String oneofCase(Message m) {
    for (OneofDescriptor o : m.getDescriptorForType().getOneofs()) {
      FieldDescriptor f = m.getOneofFieldDescriptor(o);
      if (f != null) {
        StringBuilder b = new StringBuilder();
        for (String part : f.getName().split("_")) {
          if (!part.isEmpty()) b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
      }
    }
    return null;
  }
}
