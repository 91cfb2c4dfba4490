package dev.sundial.server.connections;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.List;

/**
 * The gRPC listener's server socket: connections it accepts past the {@link ConnectionLimit} are
 * closed before gRPC sees them (grpc-java has no connection limit of its own).
 */
public final class LimitedGrpcServerChannel extends NioServerSocketChannel {
  private final ConnectionLimit limit;

  public LimitedGrpcServerChannel(ConnectionLimit limit) {
    this.limit = limit;
  }

  @Override
  protected int doReadMessages(List<Object> accepted) throws Exception {
    int from = accepted.size();
    int read = super.doReadMessages(accepted);
    for (int i = accepted.size() - 1; i >= from; i--) {
      Channel child = (Channel) accepted.get(i);
      if (limit.tryOpen()) {
        child.closeFuture().addListener(f -> limit.closed());
      } else {
        accepted.remove(i);
        child.unsafe().closeForcibly();
        read--;
      }
    }
    return read;
  }
}
