package dev.sundial.server.cluster;

import dev.sundial.engine.Engine;
import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The node-to-node gRPC service: one unary method taking an InternalCall and answering an
 * InternalReply (Sundial's internal.proto; see the engine's InternalCalls). It shares the public
 * gRPC port, so it answers only calls carrying the cluster's secret. Version 2 of the service: a
 * node still speaking version 1 gets UNIMPLEMENTED, which callers treat like a node that is not
 * there (UNAVAILABLE, retried), until it is upgraded too.
 */
public final class InternalService {
  static final String SERVICE = "sundial.internal.v2.ClusterService";

  public static final MethodDescriptor<InternalCall, InternalReply> CALL =
      MethodDescriptor.<InternalCall, InternalReply>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Call"))
          .setRequestMarshaller(ProtoUtils.marshaller(InternalCall.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(InternalReply.getDefaultInstance()))
          .build();

  private InternalService() {}

  /** The header carrying the cluster's secret (see Store.clusterSecret) on every internal call. */
  public static final Metadata.Key<String> SECRET =
      Metadata.Key.of("sundial-cluster-secret", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * The service, refusing calls that do not carry the cluster's secret: it shares the public port,
   * and its operations skip the frontend's checks, so only nodes (which read the secret from the
   * database) may call it.
   */
  public static ServerServiceDefinition definition(Engine engine, String secret) {
    byte[] expected = secret.getBytes(StandardCharsets.US_ASCII);
    ServerInterceptor requireSecret = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String presented = headers.get(SECRET);
        if (presented == null
            || !MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII))) {
          call.close(Status.UNAUTHENTICATED.withDescription(
              SERVICE + " is for the nodes of this cluster only (missing or wrong cluster secret)"),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
    return ServerInterceptors.intercept(unprotected(engine), requireSecret);
  }

  private static ServerServiceDefinition unprotected(Engine engine) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(CALL, ServerCalls.asyncUnaryCall((request, responses) ->
            engine.internal.handle(request).whenComplete((reply, err) -> {
              if (err != null) {
                responses.onError(Status.INTERNAL.withDescription(err.toString()).asException());
              } else {
                responses.onNext(reply);
                responses.onCompleted();
              }
            })))
        .build();
  }
}
