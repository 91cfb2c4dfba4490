package dev.sundial.compat;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The compat-tests fixture for an older SDK: one Sundial server per test class, the runnable JAR
 * (system property {@code sundial.jar}) started as a process on a free port and a temporary SQLite
 * file, reached over a socket. It stands in for compat-tests' embedded SundialTestServer, whose
 * server classes are built against the newest API and cannot share this class path.
 */
public final class SundialTestServer extends CompatServer {
  private static final long STARTUP_MILLIS = 60_000;
  private Path dir;
  private Process process;

  @Override
  protected WorkflowServiceStubs startServer(ExtensionContext context) throws Exception {
    String jar = System.getProperty("sundial.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property sundial.jar must name the server JAR: " + jar);
    }
    dir = Files.createTempDirectory("sundial-sdk-1.32-" + context.getRequiredTestClass().getSimpleName());
    int port = freePort();
    process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar, "server", "start",
                    "--port", String.valueOf(port), "--headless", "--ui-port", "0",
                    "--http-port", "-1", "--metrics-port", "-1",
                    "--db-filename", dir.resolve("sundial.db").toString(), "--log-level", "warn"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    long deadline = System.currentTimeMillis() + STARTUP_MILLIS;
    while (!answers(port)) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            "the server did not start:\n" + Files.readString(dir.resolve("server.log")));
      }
      Thread.sleep(50); // polling a port: there is nothing to wait on
    }
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  protected void stopServer(boolean anyTestFailed) throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    if (anyTestFailed) {
      System.err.println("[compat 1.32] a test failed; database and server log kept in " + dir);
    } else if (dir != null) {
      deleteRecursively(dir);
    }
  }
}
