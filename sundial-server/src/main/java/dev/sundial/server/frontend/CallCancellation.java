package dev.sundial.server.frontend;

import dev.sundial.engine.api.PollCancellation;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Tells a long poll in the engine when its gRPC caller went away. */
final class CallCancellation implements PollCancellation {
  private final List<Runnable> handlers = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;

  /** Must be called before the handler method returns (gRPC's rule for cancel handlers). */
  static CallCancellation of(StreamObserver<?> out) {
    CallCancellation c = new CallCancellation();
    ((ServerCallStreamObserver<?>) out)
        .setOnCancelHandler(
            () -> {
              c.cancelled = true;
              c.handlers.forEach(Runnable::run);
            });
    return c;
  }

  @Override
  public void onCancel(Runnable r) {
    handlers.add(r);
    if (cancelled) r.run();
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }
}
