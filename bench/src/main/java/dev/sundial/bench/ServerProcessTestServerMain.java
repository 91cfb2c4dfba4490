package dev.sundial.bench;

import ch.qos.logback.classic.Level;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's in-memory test server (the services behind {@code io.temporal.testserver.TestServer},
 * time skipping off, as its {@code main} runs them) bound to 127.0.0.1 only: {@code
 * TestServer.main} binds every interface, and the benchmark must stay on loopback.
 *
 * <p>Usage: {@code java -cp bench-all.jar dev.sundial.bench.ServerProcessTestServerMain <port>}.
 */
public final class ServerProcessTestServerMain {

  private ServerProcessTestServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
      System.err.println("Usage: ServerProcessTestServerMain <port>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    infoLogging();
    // lockTimeSkipping = true means time skipping is OFF (TestServer.main passes !enableSkipping).
    TestServicesStarter services = new TestServicesStarter(true, 0);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    // Same registration as TestServer (services plus gRPC health checks).
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    System.out.println("test server listening on 127.0.0.1:" + server.getPort());
    System.out.flush();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdownNow();
                  services.close();
                }));
    server.awaitTermination();
  }

  /**
   * Root logger at INFO, as Sundial runs by default: without a logback.xml on the class path
   * logback logs DEBUG, and gRPC's per-frame DEBUG lines would be charged to the test server.
   */
  private static void infoLogging() {
    if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(Level.INFO);
    }
  }
}
