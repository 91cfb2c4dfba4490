package dev.sundial.server.security;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import dev.sundial.server.rpc.RequestFields;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.command.v1.Command;
import io.temporal.api.errordetails.v1.PermissionDeniedFailure;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.util.List;
import java.util.Locale;

/**
 * Authentication and authorization of every public call, before anything else looks at it. The
 * principal comes from the call's credentials ({@link Authenticator}), or is carried by Sundial
 * itself ({@link PrincipalHeader}: the HTTP frontend, a node relaying a call); calls made by the
 * embedding application over the in-process channel are trusted. The call is then checked
 * against {@link RpcPolicy}: UNAUTHENTICATED when credentials are missing or bad,
 * PERMISSION_DENIED naming the role that is missing. The principal is in the gRPC context for
 * the handlers ({@link #current()}).
 */
public final class AuthInterceptor implements ServerInterceptor {
  private static final Context.Key<Principal> PRINCIPAL = Context.key("sundial-principal");
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Told of every refused call (the audit log). */
  public interface Refusals {
    void refused(Principal principal, OriginHeader.Origin origin, String fullMethodName,
        Message request, Status status);
  }

  private final Authenticator authenticator;
  private final boolean inProcess;
  private final List<String> proofs;
  private final Refusals refusals;

  /**
   * @param inProcess whether this guards the in-process server, whose callers without a carried
   *     principal are the embedding application
   * @param proofs the secrets that make a carried principal trusted
   */
  public AuthInterceptor(Authenticator authenticator, boolean inProcess, List<String> proofs,
      Refusals refusals) {
    this.authenticator = authenticator;
    this.inProcess = inProcess;
    this.proofs = List.copyOf(proofs);
    this.refusals = refusals;
  }

  /** The principal of the current call; null when authentication is off. */
  public static Principal current() {
    return PRINCIPAL.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    RpcPolicy.Rule rule = RpcPolicy.of(method);
    Principal principal;
    boolean authorized = false;
    try {
      PrincipalHeader.Carried carried = PrincipalHeader.read(headers, proofs);
      if (carried != null) {
        principal = carried.principal();
        authorized = carried.authorized();
      } else if (inProcess) {
        principal = Principal.EMBEDDED;
      } else {
        principal = authenticator.authenticate(
            headers.get(AUTHORIZATION), call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
      }
    } catch (InvalidCredentialsException e) {
      return refuse(call, headers, Principal.ANONYMOUS, null,
          Status.UNAUTHENTICATED.withDescription(e.getMessage()).asRuntimeException());
    }
    Context context = Context.current().withValue(PRINCIPAL, principal);
    if (authorized || rule.scope() == RpcPolicy.Scope.OPEN) {
      return Contexts.interceptCall(context, call, headers, next);
    }
    if (principal.isAnonymous()) {
      return refuse(call, headers, principal, null, Status.UNAUTHENTICATED.withDescription(
          "no credentials: send " + authenticator.expected()).asRuntimeException());
    }
    if (rule.scope() != RpcPolicy.Scope.NAMESPACE) {
      if (!principal.allows(rule, "")) {
        return refuse(call, headers, principal, null, denied(principal,
            call.getMethodDescriptor().getBareMethodName(),
            "the system " + roleName(rule.access()) + " role"));
      }
      return Contexts.interceptCall(context, call, headers, next);
    }
    // The namespace is in the request: the handler starts once it has arrived and passed.
    ServerCallHandler<Q, R> gate = (c, h) -> new NamespaceGate<>(c, h, next, principal, rule);
    return Contexts.interceptCall(context, call, headers, gate);
  }

  /** Refuses a call, telling the audit log. */
  private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Metadata headers,
      Principal principal, Message request, StatusRuntimeException e) {
    if (refusals != null) {
      refusals.refused(principal, OriginHeader.of(call, headers, inProcess, proofs),
          call.getMethodDescriptor().getFullMethodName(), request, e.getStatus());
    }
    call.close(e.getStatus(), e.getTrailers() == null ? new Metadata() : e.getTrailers());
    return new ServerCall.Listener<>() {};
  }

  /** PERMISSION_DENIED with the PermissionDeniedFailure detail Temporal's SDKs read. */
  static StatusRuntimeException denied(Principal p, String method, String needed) {
    String who = p.subject().isEmpty() ? p.authType() : p.subject() + " (" + p.authType() + ")";
    String message = who + " may not call " + method + ": it needs " + needed;
    com.google.rpc.Status proto = com.google.rpc.Status.newBuilder()
        .setCode(Code.PERMISSION_DENIED_VALUE)
        .setMessage(message)
        .addDetails(Any.pack(PermissionDeniedFailure.newBuilder().setReason(message).build()))
        .build();
    return StatusProto.toStatusRuntimeException(proto);
  }

  private static String roleName(RpcPolicy.Access access) {
    return access.name().toLowerCase(Locale.ROOT);
  }

  /** Holds a namespace-scoped call until its request shows the namespace, then checks it. */
  private final class NamespaceGate<Q, R> extends RequestGate<Q, R> {
    private final Principal principal;
    private final RpcPolicy.Rule rule;

    NamespaceGate(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next,
        Principal principal, RpcPolicy.Rule rule) {
      super(call, headers, next);
      this.principal = principal;
      this.rule = rule;
    }

    @Override
    protected ServerCall<Q, R> admit(Q message) {
      String problem = check((Message) message);
      if (problem == null) return call;
      refuse(call, headers, principal, (Message) message,
          denied(principal, call.getMethodDescriptor().getBareMethodName(), problem));
      return null;
    }

    /** What the principal lacks for this request, or null when it may make it. */
    private String check(Message request) {
      String namespace = RequestFields.string(request, "namespace");
      if (!principal.allows(rule, namespace)) {
        return namespace.isEmpty()
            ? "a system " + roleName(rule.access()) + " role (the request names no namespace)"
            : "the " + roleName(rule.access()) + " role on namespace " + namespace;
      }
      if (request instanceof RespondWorkflowTaskCompletedRequest r) {
        // Commands may act on workflows of other namespaces: each needs write there.
        RpcPolicy.Rule write = new RpcPolicy.Rule(RpcPolicy.Scope.NAMESPACE, RpcPolicy.Access.WRITE);
        for (Command c : r.getCommandsList()) {
          String target = switch (c.getCommandType()) {
            case COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION ->
                c.getSignalExternalWorkflowExecutionCommandAttributes().getNamespace();
            case COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION ->
                c.getStartChildWorkflowExecutionCommandAttributes().getNamespace();
            case COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION ->
                c.getRequestCancelExternalWorkflowExecutionCommandAttributes().getNamespace();
            default -> "";
          };
          if (!target.isEmpty() && !target.equals(namespace) && !principal.allows(write, target)) {
            return "the write role on namespace " + target + " for its " + c.getCommandType()
                + " command";
          }
        }
      }
      return null;
    }

  }
}
