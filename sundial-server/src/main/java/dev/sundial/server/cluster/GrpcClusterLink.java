package dev.sundial.server.cluster;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.cluster.ClusterLink;
import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Channels to the other nodes, one per address, used for internal calls and forwarding. */
public final class GrpcClusterLink implements ClusterLink, AutoCloseable {
  static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
  private static final long INTERNAL_DEADLINE_SECONDS = 30;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Metadata secretHeader = new Metadata();
  private final String secret;
  private final SslContext tls;
  private final String serverName;
  private final ClientInterceptor metrics; // or null

  /** {@code tls} null: plaintext; {@code serverName} (or null) is checked instead of the host. */
  GrpcClusterLink(String clusterSecret, SslContext tls, String serverName,
      ClientInterceptor metrics) {
    this.metrics = metrics;
    this.secret = clusterSecret;
    this.tls = tls;
    this.serverName = serverName;
    secretHeader.put(InternalService.SECRET, clusterSecret);
  }

  String secret() {
    return secret;
  }

  ManagedChannel channel(String address) {
    // Keepalive: a frozen node still has its TCP connections acknowledged by the kernel, so only
    // unanswered HTTP/2 pings reveal it and end the calls waiting on it (the servers permit pings
    // every 10 s).
    return channels.computeIfAbsent(address, a -> {
      NettyChannelBuilder b = NettyChannelBuilder.forTarget(a)
          .maxInboundMessageSize(MAX_MESSAGE_BYTES)
          .keepAliveTime(10, TimeUnit.SECONDS)
          .keepAliveTimeout(5, TimeUnit.SECONDS)
          .keepAliveWithoutCalls(true);
      if (metrics != null) {
        b.intercept(metrics);
      }
      if (tls == null) {
        b.usePlaintext();
      } else {
        b.sslContext(tls);
        if (serverName != null) b.overrideAuthority(serverName);
      }
      return b.build();
    });
  }

  @Override
  public CompletableFuture<InternalReply> call(String address, InternalCall call) {
    // Detached from the caller's gRPC context: an internal call often runs on behalf of another
    // request (e.g. a commit that hands a task to a waiting poll) and must outlive it.
    Context previous = Context.ROOT.attach();
    try {
      return send(address, call);
    } finally {
      Context.ROOT.detach(previous);
    }
  }

  private CompletableFuture<InternalReply> send(String address, InternalCall request) {
    CompletableFuture<InternalReply> result = new CompletableFuture<>();
    var call = ClientInterceptors.intercept(channel(address),
            MetadataUtils.newAttachHeadersInterceptor(secretHeader))
        .newCall(InternalService.CALL,
            CallOptions.DEFAULT.withDeadlineAfter(INTERNAL_DEADLINE_SECONDS, TimeUnit.SECONDS));
    ClientCalls.asyncUnaryCall(call, request,
        new StreamObserver<>() {
          @Override
          public void onNext(InternalReply value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(EngineException.unavailable(
                "node " + address + " did not answer " + request.getOpCase() + ": " + t.getMessage()));
          }

          @Override
          public void onCompleted() {
            if (!result.isDone()) {
              result.completeExceptionally(EngineException.unavailable(
                  "node " + address + " gave no answer to " + request.getOpCase()));
            }
          }
        });
    return result;
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
