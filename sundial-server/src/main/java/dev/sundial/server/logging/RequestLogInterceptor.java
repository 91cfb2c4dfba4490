package dev.sundial.server.logging;

import com.google.protobuf.Message;
import dev.sundial.server.rpc.RequestFields;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Puts what a request is about into the logging context (MDC: {@code rpc}, {@code namespace},
 * {@code workflowId}, {@code runId}, {@code node}) while its handler runs, so every line logged
 * on its behalf says so, and logs each call's outcome at DEBUG. Never a payload: only ids.
 */
public final class RequestLogInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger("dev.sundial.server.requests");

  private final String node;

  public RequestLogInterceptor(String node) {
    this.node = node;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String rpc = call.getMethodDescriptor().getBareMethodName();
    long started = System.nanoTime();
    Context context = new Context(rpc, node);
    ServerCall<Q, R> logged = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (log.isDebugEnabled()) {
          context.run(() -> log.debug("{} {} in {} ms{}", rpc, status.getCode(),
              (System.nanoTime() - started) / 1_000_000,
              status.isOk() || status.getDescription() == null ? "" : ": " + status.getDescription()));
        }
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener = next.startCall(logged, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof Message m) context.learn(m);
        context.run(() -> super.onMessage(message));
      }

      @Override
      public void onHalfClose() {
        context.run(super::onHalfClose);
      }

      @Override
      public void onCancel() {
        context.run(super::onCancel);
      }

      @Override
      public void onComplete() {
        context.run(super::onComplete);
      }

      @Override
      public void onReady() {
        context.run(super::onReady);
      }
    };
  }

  /** The MDC entries of one call, set around each of its callbacks and restored after. */
  private static final class Context {
    private final Map<String, String> entries = new java.util.concurrent.ConcurrentHashMap<>();

    Context(String rpc, String node) {
      entries.put("rpc", rpc);
      if (node != null) entries.put("node", node);
    }

    void learn(Message request) {
      put("namespace", RequestFields.string(request, "namespace"));
      Message execution = RequestFields.message(request, "workflow_execution");
      if (execution == null) execution = RequestFields.message(request, "execution");
      if (execution != null) {
        put("workflowId", RequestFields.string(execution, "workflow_id"));
        put("runId", RequestFields.string(execution, "run_id"));
      } else {
        put("workflowId", RequestFields.string(request, "workflow_id"));
      }
    }

    private void put(String key, String value) {
      if (!value.isEmpty()) entries.put(key, value);
    }

    /** Runs with these entries in the MDC; only they are set, and restored after. */
    void run(Runnable r) {
      Map<String, String> previous = new HashMap<>(4);
      entries.forEach((k, v) -> {
        previous.put(k, MDC.get(k));
        MDC.put(k, v);
      });
      try {
        r.run();
      } finally {
        previous.forEach((k, v) -> {
          if (v == null) MDC.remove(k);
          else MDC.put(k, v);
        });
      }
    }
  }
}
