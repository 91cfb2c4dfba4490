package dev.sundial.server.metrics;

import dev.sundial.engine.metrics.Meters;
import dev.sundial.persistence.Store;
import io.grpc.ClientInterceptor;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a server's metrics go: the embedding application's registry, or one of Sundial's own that
 * its /metrics endpoint reads (then with the JVM and process metrics too; an application's
 * registry has its own binders). Without either, nothing is measured at all.
 */
public final class ServerMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerMetrics.class);
  /** Distinct namespace label values on request metrics (clients may name any). */
  static final int NAMESPACE_LABELS = 1000;

  private final MeterRegistry registry;
  private final JvmGcMetrics gc;
  private Runnable beforeScrape = () -> {};
  private final boolean own;
  private ScheduledExecutorService refresher; // an application's registry: gauges kept fresh

  private ServerMetrics(MeterRegistry registry, boolean own) {
    this.registry = registry;
    this.own = own;
    if (own) {
      new ClassLoaderMetrics().bindTo(registry);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      new FileDescriptorMetrics().bindTo(registry);
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
    } else {
      gc = null;
    }
  }

  /**
   * The metrics of a server: into {@code application} when given, else into a registry of its own
   * when {@code endpoint} (it serves /metrics); null when neither.
   */
  public static ServerMetrics create(MeterRegistry application, boolean endpoint) {
    if (application != null) {
      return new ServerMetrics(application, false);
    }
    return endpoint ? new ServerMetrics(Meters.cumulative(), true) : null;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Counts and times every call of the services it intercepts (see RequestMetrics), labelled by
   * namespace when {@code namespaceExists} says the namespace it names exists.
   */
  public ServerInterceptor requests(Predicate<String> namespaceExists) {
    return new RequestMetrics(registry, namespaceExists, NAMESPACE_LABELS);
  }

  /** Times and counts the calls a cluster node makes to the others (see ClientMetrics). */
  public ClientInterceptor clientCalls() {
    return new ClientMetrics(registry);
  }

  /** The store with the persistence metrics around each operation (see MeteredStore). */
  public Store store(Store store) {
    return MeteredStore.wrap(store, registry);
  }

  /** Size of a SQLite database's write-ahead log (Sundial's own sundial_wal_size_bytes). */
  public void walOf(Path database) {
    Path wal = database.resolveSibling(database.getFileName() + "-wal");
    Gauge.builder("sundial_wal_size_bytes", wal, ServerMetrics::sizeOrZero).strongReference(true)
        .register(registry);
  }

  /**
   * Runs before every scrape of /metrics (gauges computed over many objects); with an
   * application's registry, which its own exporter reads, every 10 seconds as well.
   */
  public void beforeScrape(Runnable r) {
    this.beforeScrape = r;
    if (!own && refresher == null) {
      refresher = Executors.newSingleThreadScheduledExecutor(t -> {
        Thread thread = new Thread(t, "sundial-metrics-refresh");
        thread.setDaemon(true);
        return thread;
      });
      refresher.scheduleWithFixedDelay(() -> {
        try {
          beforeScrape.run();
        } catch (RuntimeException e) {
          log.warn("refreshing the metrics failed: {}", e.toString()); // and it runs again
        }
      }, 0, 10, TimeUnit.SECONDS);
    }
  }

  /** The text a Prometheus scrape of /metrics receives. */
  public String scrape() {
    beforeScrape.run();
    return PrometheusText.write(registry);
  }

  private static double sizeOrZero(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
