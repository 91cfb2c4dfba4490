package dev.sundial.server.cluster;

import dev.sundial.engine.Engine;
import dev.sundial.engine.cluster.Wire;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The node-to-node gRPC service: one unary method carrying an internal operation name and its
 * payload (see the engine's InternalOps), answered with the engine's reply envelope. It shares the
 * public gRPC port; nothing outside the cluster has a reason to call it.
 */
public final class InternalService {
  static final String SERVICE = "sundial.internal.v1.ClusterService";

  static final MethodDescriptor<byte[], byte[]> CALL =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Call"))
          .setRequestMarshaller(BytesMarshaller.INSTANCE)
          .setResponseMarshaller(BytesMarshaller.INSTANCE)
          .build();

  private InternalService() {}

  public static ServerServiceDefinition definition(Engine engine) {
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
