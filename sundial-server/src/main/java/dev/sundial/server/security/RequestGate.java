package dev.sundial.server.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;

/**
 * Holds a unary call until its request arrives, then lets {@link #admit} decide: start the
 * handler (which then receives the request and everything after it as usual), or not (admit
 * closed the call, and the rest of it is ignored). What checks need the request (its namespace,
 * its target) sit in admit.
 */
public abstract class RequestGate<Q, R> extends ServerCall.Listener<Q> {
  protected final ServerCall<Q, R> call;
  protected final Metadata headers;
  private final ServerCallHandler<Q, R> next;
  private ServerCall.Listener<Q> delegate;
  private boolean closed;

  protected RequestGate(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    this.call = call;
    this.headers = headers;
    this.next = next;
    call.request(1);
  }

  /**
   * Decides on the request: returns the call the handler is to answer on (the call itself, or a
   * wrapper), or null after closing the call.
   */
  protected abstract ServerCall<Q, R> admit(Q request);

  /** The caller went away after the handler started. */
  protected void cancelled() {}

  @Override
  public final void onMessage(Q message) {
    if (closed) return;
    if (delegate == null) {
      ServerCall<Q, R> admitted = admit(message);
      if (admitted == null) {
        closed = true;
        return;
      }
      delegate = next.startCall(admitted, headers);
    }
    delegate.onMessage(message);
  }

  @Override
  public final void onHalfClose() {
    if (delegate != null) delegate.onHalfClose();
  }

  @Override
  public final void onCancel() {
    if (delegate != null) {
      cancelled();
      delegate.onCancel();
    }
  }

  @Override
  public final void onComplete() {
    if (delegate != null) delegate.onComplete();
  }

  @Override
  public final void onReady() {
    if (delegate != null) delegate.onReady();
  }
}
