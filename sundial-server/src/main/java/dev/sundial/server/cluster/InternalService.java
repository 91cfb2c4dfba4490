package dev.sundial.server.cluster;

import dev.sundial.engine.Engine;
import dev.sundial.engine.cluster.Wire;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The node-to-node gRPC service: one unary method carrying an internal operation name and its
 * payload (see the engine's InternalOps), answered with the engine's reply envelope. It shares the
 * public gRPC port, so it answers only calls carrying the cluster's secret.
 */
public final class InternalService {
  static final String SERVICE = "sundial.internal.v1.ClusterService";

  public static final MethodDescriptor<byte[], byte[]> CALL =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Call"))
          .setRequestMarshaller(BytesMarshaller.INSTANCE)
          .setResponseMarshaller(BytesMarshaller.INSTANCE)
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
        .addMethod(CALL, ServerCalls.asyncUnaryCall((request, responses) -> {
          Wire.In in = new Wire.In(request);
          String op = in.str();
          byte[] payload = in.bytes();
          engine.internal.handle(op, payload).whenComplete((reply, err) -> {
            if (err != null) {
              responses.onError(Status.INTERNAL.withDescription(err.toString()).asException());
            } else {
              responses.onNext(reply);
              responses.onCompleted();
            }
          });
        }))
        .build();
  }

  /** Raw bytes on the wire. */
  enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
