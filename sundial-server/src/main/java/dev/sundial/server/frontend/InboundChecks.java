package dev.sundial.server.frontend;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every call to the public services goes through first, whatever its transport (socket,
 * in-process, HTTP): bytes that are not a valid protobuf message get INVALID_ARGUMENT with the
 * parser's reason (not UNKNOWN and a stack trace), and a parsed request must pass {@link
 * RequestShape} before its RPC sees it.
 */
public final class InboundChecks {
  private static final Logger log = LoggerFactory.getLogger(InboundChecks.class);
  /**
   * Largest request message, as Temporal's frontend (grpc-go's default). A compressed request
   * (the Java SDK's default) that inflates past it is refused in grpc-go's words, which the SDKs
   * recognise: a workflow task completion that large makes them fail the task with
   * GRPC_MESSAGE_TOO_LARGE instead of retrying it forever. A plain one is refused by the
   * transport itself, in grpc-java's words. (Letting larger messages through the transport to
   * word that refusal too made it run out of direct buffers under a flood: MemoryPressureTest.)
   */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
  /**
   * Why the last request on this thread could not be parsed. grpc-java turns an exception thrown
   * by a parser into UNKNOWN, so the parser returns null and leaves the status here; the call
   * listener, which gets the message on the same thread right after, answers with it.
   */
  private static final ThreadLocal<Status> PARSE_ERROR = new ThreadLocal<>();
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static ScheduledThreadPoolExecutor timer() {
    var t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread thread = new Thread(r, "sundial-request-arrival");
      thread.setDaemon(true);
      return thread;
    });
    t.setRemoveOnCancelPolicy(true); // a cancelled wait leaves the queue at once
    return t;
  }

  private InboundChecks() {}

  /** The service with load shedding and both checks in front of each of its methods. */
  public static ServerServiceDefinition wrap(ServerServiceDefinition service, int maxPayloadBytes,
      Duration requestArrival, LoadShedding shedding) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      b.addMethod(safeParsing(m));
    }
    // The last interceptor sees a call first: load is shed before anything else is done.
    return ServerInterceptors.intercept(b.build(),
        new ShapeInterceptor(new RequestShape(maxPayloadBytes), requestArrival.toMillis()), shedding);
  }

  private static <Q, R> ServerMethodDefinition<Q, R> safeParsing(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> d = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> inner = d.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> safe = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(Q value) {
        return inner.stream(value);
      }

      @Override
      public Q parse(InputStream stream) {
        try {
          // The in-process transport hands over messages of any size: the same limit here.
          int size = stream instanceof KnownLength ? stream.available() : 0;
          if (size > MAX_MESSAGE_BYTES) {
            PARSE_ERROR.set(Status.RESOURCE_EXHAUSTED.withDescription(
                "grpc: received message larger than max (" + size + " vs. " + MAX_MESSAGE_BYTES
                    + ")"));
            return null;
          }
          return inner.parse(stream);
        } catch (IOException | RuntimeException e) {
          if (inflatedPastLimit(e)) {
            PARSE_ERROR.set(Status.RESOURCE_EXHAUSTED.withDescription(
                "grpc: received message after decompression larger than max " + MAX_MESSAGE_BYTES));
            return null;
          }
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          log.debug("malformed {} request: {}", d.getBareMethodName(), cause.toString());
          PARSE_ERROR.set(Status.INVALID_ARGUMENT.withDescription(
              "malformed " + d.getBareMethodName() + " request: "
                  + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())));
          return null;
        }
      }
    };
    return ServerMethodDefinition.create(d.toBuilder().setRequestMarshaller(safe).build(), m.getServerCallHandler());
  }

  /** grpc-java's inflater stops a compressed message past the limit with RESOURCE_EXHAUSTED. */
  private static boolean inflatedPastLimit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes a call whose request breaks a {@link RequestShape} rule (the RPC never sees it), or
   * whose request message does not arrive in time after its headers.
   */
  private static final class ShapeInterceptor implements ServerInterceptor {
    private static final int WAITING = 0;
    private static final int ARRIVED = 1;
    private static final int TIMED_OUT = 2;
    private final RequestShape shape;
    private final long arrivalMillis;

    ShapeInterceptor(RequestShape shape, long arrivalMillis) {
      this.shape = shape;
      this.arrivalMillis = arrivalMillis;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      ServerCall.Listener<Q> delegate = next.startCall(call, headers);
      // WAITING → ARRIVED (the message came) or TIMED_OUT (closed for lack of one), once.
      var state = new AtomicInteger(WAITING);
      var late = TIMER.schedule(() -> {
        if (state.compareAndSet(WAITING, TIMED_OUT)) {
          call.close(Status.DEADLINE_EXCEEDED.withDescription("request message not received within "
              + arrivalMillis + " ms of its headers"), new Metadata());
        }
      }, arrivalMillis, TimeUnit.MILLISECONDS);
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
        private boolean refused;

        @Override
        public void onCancel() {
          late.cancel(false);
          super.onCancel();
        }

        @Override
        public void onComplete() {
          late.cancel(false);
          super.onComplete();
        }

        @Override
        public void onMessage(Q message) {
          if (!state.compareAndSet(WAITING, ARRIVED)) {
            refused = true; // already closed for arriving too late
            return;
          }
          late.cancel(false);
          Status refusal = null;
          if (message == null) {
            refusal = PARSE_ERROR.get();
            PARSE_ERROR.remove();
            if (refusal == null) refusal = Status.INVALID_ARGUMENT.withDescription("malformed request");
          } else if (message instanceof Message m) {
            String problem = shape.problem(m);
            if (problem != null) refusal = Status.INVALID_ARGUMENT.withDescription(problem);
          }
          if (refusal != null) {
            refused = true;
            call.close(refusal, new Metadata());
            return;
          }
          super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
          if (!refused) super.onHalfClose();
        }
      };
    }
  }
}
