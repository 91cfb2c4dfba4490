package dev.sundial.server.audit;

import com.google.protobuf.Message;
import dev.sundial.server.security.AuthInterceptor;
import dev.sundial.server.security.OriginHeader;
import dev.sundial.server.security.RequestGate;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;

/**
 * Records each audited call accepted on this node before it acts, and its outcome when it is
 * answered. Placed after authentication (whose refusals the log records itself), before cluster
 * forwarding: a relayed call is recorded once, by the node that received it.
 */
public final class AuditInterceptor implements ServerInterceptor {
  private final AuditLog audit;
  private final boolean inProcess;
  private final List<String> proofs;

  public AuditInterceptor(AuditLog audit, boolean inProcess, List<String> proofs) {
    this.audit = audit;
    this.inProcess = inProcess;
    this.proofs = List.copyOf(proofs);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (!audit.audited(method)) {
      return next.startCall(call, headers);
    }
    OriginHeader.Origin origin = OriginHeader.of(call, headers, inProcess, proofs);
    if (origin.relayed()) {
      return next.startCall(call, headers); // recorded where it was received
    }
    return new Recorded<>(call, headers, next, origin, method);
  }

  /** Holds the call until its request arrives, records it, then lets it act. */
  private final class Recorded<Q, R> extends RequestGate<Q, R> {
    private final OriginHeader.Origin origin;
    private final String method;
    private long id;

    Recorded(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next,
        OriginHeader.Origin origin, String method) {
      super(call, headers, next);
      this.origin = origin;
      this.method = method;
    }

    @Override
    protected ServerCall<Q, R> admit(Q message) {
      try {
        id = audit.begin(AuthInterceptor.current(), origin, method, (Message) message);
      } catch (RuntimeException e) {
        // No record, no change: the call is refused rather than done unaudited.
        call.close(Status.UNAVAILABLE.withDescription(
            "the audit log cannot be written: " + e.getMessage()), new Metadata());
        return null;
      }
      return new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          audit.end(id, status);
          super.close(status, trailers);
        }
      };
    }

    @Override
    protected void cancelled() {
      audit.end(id, Status.CANCELLED.withDescription(
          "the caller went away before the answer; the change may have been made"));
    }
  }
}
