package dev.sundial.server.frontend;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.ResourceExhaustedScope;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sheds load before the heap runs out, with RESOURCE_EXHAUSTED (cause SYSTEM_OVERLOADED), which
 * SDKs retry with backoff:
 * <ul>
 *   <li>the requests being worked on at once may hold at most {@link #inFlightLimit} bytes (an
 *       eighth of the maximum heap): a flood of large requests is refused, not multiplied into
 *       events, cache entries and write buffers;
 *   <li>while the heap is nearly full after garbage collection ({@link HeapPressure}), or the
 *       transport's direct buffer memory is ({@link DirectMemoryPressure}), only the calls that
 *       let workers finish the work already accepted are served.
 * </ul>
 */
public final class LoadShedding implements ServerInterceptor {
  /**
   * Calls still served when the heap is nearly full: workers polling and answering (they drain
   * the work in flight) and what an SDK asks when it connects.
   */
  private static final Set<String> DRAINING_CALLS = Set.of(
      "PollWorkflowTaskQueue", "PollActivityTaskQueue", "PollNexusTaskQueue",
      "RespondWorkflowTaskCompleted", "RespondWorkflowTaskFailed", "RespondQueryTaskCompleted",
      "RespondActivityTaskCompleted", "RespondActivityTaskFailed", "RespondActivityTaskCanceled",
      "RespondActivityTaskCompletedById", "RespondActivityTaskFailedById",
      "RespondActivityTaskCanceledById", "RecordActivityTaskHeartbeat",
      "RecordActivityTaskHeartbeatById", "RespondNexusTaskCompleted", "RespondNexusTaskFailed",
      "ShutdownWorker", "GetSystemInfo", "DescribeNamespace");

  private final HeapPressure heap;
  private final DirectMemoryPressure direct;
  private final long inFlightLimit;
  private final AtomicLong inFlight = new AtomicLong();

  public LoadShedding() {
    this(HeapPressure.JVM, DirectMemoryPressure.JVM,
        Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 8));
  }

  LoadShedding(HeapPressure heap, DirectMemoryPressure direct, long inFlightLimit) {
    this.heap = heap;
    this.direct = direct;
    this.inFlightLimit = inFlightLimit;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    boolean draining = DRAINING_CALLS.contains(call.getMethodDescriptor().getBareMethodName());
    if (!draining && heap.high()) {
      refuse(call, overloaded("server is low on memory (heap " + Math.round(heap.liveShare() * 100)
          + "% full after garbage collection); retry later"));
      return new ServerCall.Listener<>() {};
    }
    if (!draining && direct.high()) {
      refuse(call, overloaded("server is low on memory (transport buffers "
          + Math.round(direct.share() * 100) + "% full); retry later"));
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private long held;
      private final AtomicBoolean released = new AtomicBoolean();
      private boolean refused;

      @Override
      public void onMessage(Q message) {
        long size = message instanceof MessageLite m ? m.getSerializedSize() : 0;
        if (inFlight.addAndGet(size) > inFlightLimit && size > 0) {
          inFlight.addAndGet(-size);
          refused = true;
          refuse(call, overloaded("too many request bytes in flight (limit " + (inFlightLimit >> 20)
              + " MB); retry later"));
          return;
        }
        held = size;
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (!refused) super.onHalfClose();
      }

      @Override
      public void onComplete() {
        release();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        release();
        super.onCancel();
      }

      private void release() {
        if (held > 0 && released.compareAndSet(false, true)) {
          inFlight.addAndGet(-held);
        }
      }
    };
  }

  private static StatusRuntimeException overloaded(String message) {
    return GrpcErrors.resourceExhausted(ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_SYSTEM_OVERLOADED,
        ResourceExhaustedScope.RESOURCE_EXHAUSTED_SCOPE_SYSTEM, message);
  }

  private static void refuse(ServerCall<?, ?> call, StatusRuntimeException e) {
    Metadata trailers = e.getTrailers() == null ? new Metadata() : e.getTrailers();
    call.close(e.getStatus(), trailers);
  }
}
