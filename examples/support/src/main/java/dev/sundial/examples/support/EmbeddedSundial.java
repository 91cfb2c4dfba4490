package dev.sundial.examples.support;

import dev.sundial.server.Sundial;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts an embedded Sundial before the application's Temporal client is made, unless the
 * application is told to use another server ({@code --temporal-address=host:port}, or the
 * {@code TEMPORAL_ADDRESS} / {@code TEMPORAL_HOST} environment variables), and points Temporal's
 * Spring Boot starter at it ({@code spring.temporal.connection.target}). Its state is a SQLite
 * file under the application's data directory ({@code app.data-dir}, default {@code ./data}); its
 * web UI listens on {@code sundial.ui-port} (default 8233) and Temporal's HTTP API on
 * {@code sundial.http-port} (default 7243), both on loopback (0 picks a free port); the addresses
 * are logged. It closes after the application's beans, workers included.
 */
public final class EmbeddedSundial implements ApplicationListener<ApplicationPreparedEvent> {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSundial.class);

  /**
   * Runs once the context is prepared (every property source in, tests' dynamic ones included)
   * and before any bean is made.
   */
  @Override
  public void onApplicationEvent(ApplicationPreparedEvent event) {
    ConfigurableApplicationContext context = event.getApplicationContext();
    ConfigurableEnvironment env = context.getEnvironment();
    String address = firstSet(env.getProperty("temporal-address"), env.getProperty("TEMPORAL_ADDRESS"),
        env.getProperty("TEMPORAL_HOST"));
    Path dataDir = Path.of(env.getProperty("app.data-dir", "data"));
    try {
      Files.createDirectories(dataDir); // the application's own SQLite file lives there too
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    Map<String, Object> properties = new HashMap<>();
    String namespace = env.getProperty("TEMPORAL_NAMESPACE");
    if (namespace != null && !namespace.isBlank()) {
      properties.put("spring.temporal.namespace", namespace);
    }
    if (address != null) {
      log.info("Using the Temporal server at {}", address);
      properties.put("spring.temporal.connection.target", address);
    } else {
      int uiPort = env.getProperty("sundial.ui-port", Integer.class, 8233);
      int httpPort = env.getProperty("sundial.http-port", Integer.class, 7243);
      int grpcPort = env.getProperty("sundial.grpc-port", Integer.class, 0);
      Sundial sundial = Sundial.builder()
          .dbFile(dataDir.resolve("sundial.db"))
          .grpc("127.0.0.1", grpcPort)
          .ui("127.0.0.1", uiPort)
          .httpApi("127.0.0.1", httpPort)
          .start();
      log.info("Embedded Sundial: data in " + sundial.dataLocation() + ", gRPC on "
          + sundial.grpcTarget() + ", web UI on http://127.0.0.1:" + sundial.uiPort()
          + ", HTTP API on http://127.0.0.1:" + sundial.httpPort() + "/api/v1");
      properties.put("sundial.embedded.http-port", sundial.httpPort());
      properties.put("spring.temporal.connection.target", sundial.grpcTarget());
      properties.put("sundial.embedded.ui-port", sundial.uiPort());
      properties.put("sundial.embedded.grpc-target", sundial.grpcTarget());
      // Closed last: after the workers, which are stopped with the application's beans.
      ((DefaultListableBeanFactory) context.getBeanFactory())
          .registerDisposableBean("embeddedSundial", sundial::close);
    }
    env.getPropertySources().addFirst(new MapPropertySource("embeddedSundial", properties));
  }

  private static String firstSet(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) return v.strip();
    }
    return null;
  }
}
