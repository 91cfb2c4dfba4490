package dev.sundial.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.CompatServer;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.Sundial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * HTTP readiness of a PostgreSQL node while its database is unreachable: a TCP proxy between the
 * node and PostgreSQL is cut (every connection dropped, new ones refused), {@code /ready} answers
 * 503 with the reason, {@code /health} stays 200; once the proxy forwards again, ready again.
 */
class PostgresReadinessTest extends ClusterTestSupport {

  /** Forwards local connections to PostgreSQL until cut; then drops them all and refuses more. */
  static final class CuttableProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile int port;

    CuttableProxy(InetSocketAddress target) throws IOException {
      this.target = target;
      listen(0);
    }

    private void listen(int onPort) throws IOException {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", onPort));
      server = s;
      port = s.getLocalPort();
      Thread accept = new Thread(() -> {
        while (!s.isClosed()) {
          try {
            Socket client = s.accept();
            Socket upstream = new Socket(target.getHostString(), target.getPort());
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
          } catch (IOException e) {
            return; // closed: cut
          }
        }
      }, "proxy-accept");
      accept.setDaemon(true);
      accept.start();
    }

    private void pump(Socket from, Socket to) {
      Thread t = new Thread(() -> {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          in.transferTo(out);
        } catch (IOException ignored) {
          // either side closed
        } finally {
          closeQuietly(from);
          closeQuietly(to);
        }
      }, "proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return port;
    }

    void cut() throws IOException {
      server.close();
      open.forEach(CuttableProxy::closeQuietly);
      open.clear();
    }

    void restore() throws IOException {
      listen(port);
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    @Override
    public void close() throws IOException {
      cut();
    }
  }

  private static HttpResponse<String> get(Sundial s, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + s.uiPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls /ready (as a load balancer would) until it answers as expected; returns that answer. */
  private static HttpResponse<String> await(Sundial s, String what,
      Predicate<HttpResponse<String>> condition) {
    AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
    CompatServer.await(Duration.ofSeconds(90), what, () -> {
      try {
        last.set(get(s, "/ready"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return condition.test(last.get());
    });
    return last.get();
  }

  @Test
  void readinessFollowsTheDatabase() throws Exception {
    ClusterDatabase db = ClusterDatabase.createFresh("readiness");
    PostgresConfig direct = PostgresConfig.parse(db.nodeUrl());
    URI jdbc = URI.create(direct.jdbcUrl().substring("jdbc:".length()));
    try (db; CuttableProxy proxy = new CuttableProxy(
        new InetSocketAddress(jdbc.getHost(), jdbc.getPort() < 0 ? 5432 : jdbc.getPort()))) {
      String viaProxy = direct.jdbcUrl().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
      PostgresConfig config = new PostgresConfig(viaProxy, direct.user(), direct.password(),
          direct.schema(), direct.poolSize());
      try (Sundial s = Sundial.builder().postgres(config).nodeId("ready-1").ui("127.0.0.1", 0)
          .shards(Cluster.SHARDS).start()) {
        await(s, "ready once the node holds its shards", r -> r.statusCode() == 200);

        proxy.cut();
        HttpResponse<String> down = await(s, "not ready without the database",
            r -> r.statusCode() == 503);
        assertThat(down.body()).contains("\"status\":\"not ready\"")
            .containsAnyOf("database writes fail", "does not hold its shards");
        assertThat(get(s, "/health").statusCode()).isEqualTo(200);

        proxy.restore();
        HttpResponse<String> up = await(s, "ready again", r -> r.statusCode() == 200);
        assertThat(up.body()).contains("\"status\":\"ready\"").contains("\"reasons\":[]");
      }
    }
  }
}
