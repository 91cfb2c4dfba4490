package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.Sundial;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL connections lost while workflows are being started: the server's sessions are
 * terminated from the database side (pg_terminate_backend) every 200 ms, so some die in the
 * middle of a commit. Clients retry failed starts with the same request id, as SDKs do. Every
 * start ends up acknowledged exactly once (a retried start whose first commit did land returns
 * the same run), nothing acknowledged is lost or doubled, readiness comes back by itself, and the
 * server serves normally afterwards. Runs when SUNDIAL_TEST_PG_URL is set (CI sets it).
 */
class PostgresConnectionLossTest {
  private static final String APP = "sundial-connection-loss";
  private static final int CLIENTS = 4;
  private static final Duration LOSS = Duration.ofSeconds(6);

  @Test
  void startsSurviveConnectionsKilledMidCommit() throws Exception {
    String url = System.getenv(SundialTestServer.PG_URL_ENV);
    Assumptions.assumeTrue(url != null && !url.isBlank(), "SUNDIAL_TEST_PG_URL is not set");
    String schema = SundialTestServer.newSchemaName("connectionloss");
    PostgresConfig base = SundialTestServer.postgresConfig(schema);
    // The server's sessions carry a name of their own, so only they are terminated.
    PostgresConfig config = new PostgresConfig(
        base.jdbcUrl() + (base.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=" + APP,
        base.user(), base.password(), schema, base.poolSize());
    try (Sundial sundial = Sundial.builder().postgres(config).start()) {
      var stubs = sundial.newWorkflowServiceStubs();
      var stub = stubs.blockingStub();
      Map<String, String> runIds = new ConcurrentHashMap<>();
      AtomicInteger failedAttempts = new AtomicInteger();
      List<Throwable> problems = Collections.synchronizedList(new ArrayList<>());
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      long end = System.nanoTime() + LOSS.toNanos();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.execute(() -> {
          for (int n = 0; System.nanoTime() < end; n++) {
            String id = "loss-" + client + "-" + n;
            var request = StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
                .setWorkflowId(id).setRequestId("request-" + id)
                .setWorkflowType(WorkflowType.newBuilder().setName("Loss"))
                .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build();
            // Retried with the same request id until acknowledged, as an SDK does.
            for (int attempt = 0; ; attempt++) {
              try {
                runIds.put(id, stub.startWorkflowExecution(request).getRunId());
                break;
              } catch (StatusRuntimeException e) {
                failedAttempts.incrementAndGet();
                if (attempt == 200) {
                  problems.add(e);
                  return;
                }
                sleepQuietly(50);
              }
            }
          }
        });
      }
      int killed = 0;
      try (Connection admin = adminConnection(base)) {
        while (System.nanoTime() < end) {
          killed += terminateServerSessions(admin);
          Thread.sleep(200); // the pace of the fault, not a wait for a condition
        }
      }
      clients.shutdown();
      assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).as("clients finished").isTrue();
      System.out.printf("[pg-loss] %d sessions terminated, %d starts acknowledged, %d failed"
          + " attempts retried%n", killed, runIds.size(), failedAttempts.get());
      assertThat(problems).as("every start was acknowledged in the end").isEmpty();
      assertThat(killed).as("server sessions terminated").isPositive();
      assertThat(failedAttempts.get()).as("some writes failed on a lost connection").isPositive();

      // Readiness says SERVING again without help, and every acknowledged start is there once.
      var health = HealthGrpc.newBlockingStub(sundial.newInProcessChannel());
      CompatServer.await(Duration.ofSeconds(30), "health SERVING", () -> health.check(
          HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
      for (Map.Entry<String, String> e : runIds.entrySet()) {
        var info = stub.describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setExecution(CompatServer.execution(e.getKey(), null))
                .build()).getWorkflowExecutionInfo();
        assertThat(info.getExecution().getRunId()).as(e.getKey()).isEqualTo(e.getValue());
        assertThat(info.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        assertThat(CompatServer.eventTypes(CompatServer.history(stubs, e.getKey(), null)))
            .as(e.getKey()).containsExactly(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
                EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
      }
      stub.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
          .setWorkflowId("after-loss").setRequestId("after-loss")
          .setWorkflowType(WorkflowType.newBuilder().setName("Loss"))
          .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build());
    } finally {
      SundialTestServer.dropSchema(schema);
    }
  }

  private static Connection adminConnection(PostgresConfig c) throws SQLException {
    Properties props = new Properties();
    if (c.user() != null) props.setProperty("user", c.user());
    if (c.password() != null) props.setProperty("password", c.password());
    return DriverManager.getConnection(c.jdbcUrl(), props);
  }

  private static int terminateServerSessions(Connection admin) throws SQLException {
    int n = 0;
    try (Statement s = admin.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = '" + APP + "'")) {
      while (rs.next()) {
        if (rs.getBoolean(1)) n++;
      }
    }
    return n;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis); // a client's retry backoff
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
