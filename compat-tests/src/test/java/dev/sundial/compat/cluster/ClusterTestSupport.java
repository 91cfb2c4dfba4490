package dev.sundial.compat.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the short cluster tests share: they run only with PostgreSQL configured, and whatever a test
 * started (its cluster, one client connection, one worker factory) is stopped after it.
 */
abstract class ClusterTestSupport {
  protected Cluster cluster;
  protected WorkflowServiceStubs stubs;
  protected WorkerFactory factory;

  @BeforeEach
  void requirePostgres() {
    assumeTrue(
        ClusterDatabase.testUrl() != null,
        ClusterDatabase.PG_URL_ENV + " is not set: PostgreSQL cluster tests skipped");
  }

  @AfterEach
  void stopEverything() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (stubs != null) {
      stubs.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
