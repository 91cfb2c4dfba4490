package dev.sundial.server.connections;

import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of the gRPC listener. grpc-java asks for them whenever the server channel is
 * our own ({@link LimitedGrpcServerChannel}); sized as grpc-java's defaults, closed with the server.
 */
public final class GrpcEventLoops implements AutoCloseable {
  public final NioEventLoopGroup boss =
      new NioEventLoopGroup(1, new DefaultThreadFactory("sundial-grpc-accept", true));
  public final NioEventLoopGroup workers =
      new NioEventLoopGroup(0, new DefaultThreadFactory("sundial-grpc-io", true));

  @Override
  public void close() {
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
