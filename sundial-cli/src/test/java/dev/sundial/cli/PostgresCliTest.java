package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code db migrate}, then {@code server start --no-migrate}, against the PostgreSQL of
 * SUNDIAL_TEST_PG_URL (skipped without it), in a fresh schema dropped afterwards. The password
 * travels in SUNDIAL_DB_PASSWORD, not in the URL, and must never be printed.
 */
class PostgresCliTest {

  private static final String PG_URL = System.getenv("SUNDIAL_TEST_PG_URL");
  private static final Pattern PASSWORD = Pattern.compile("([?&])password=([^&]*)&?");

  private String schema;
  private String urlWithoutPassword;
  private String password;

  @BeforeEach
  void freshSchema() {
    assumeTrue(PG_URL != null && !PG_URL.isBlank(), "SUNDIAL_TEST_PG_URL is not set");
    schema = "cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Matcher m = PASSWORD.matcher(PG_URL);
    assumeTrue(m.find(), "SUNDIAL_TEST_PG_URL carries no password= parameter");
    password = m.group(2);
    urlWithoutPassword = m.replaceFirst("$1").replaceAll("[?&]$", "");
  }

  @AfterEach
  void dropSchema() throws Exception {
    if (schema != null && PG_URL != null) {
      try (Connection c = DriverManager.getConnection(PG_URL);
          Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  private Map<String, String> env() {
    return Map.of("SUNDIAL_DB", urlWithoutPassword, "SUNDIAL_DB_PASSWORD", password);
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void migrateThenStartWithoutMigrating() throws Exception {
    // Before migrating, --no-migrate refuses the empty schema and says what to do.
    CliHarness.Run refused =
        CliHarness.run(
            env(), "server", "start", "--no-migrate", "--db-schema", schema, "--port", "0");
    assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(1);
    assertThat(refused.err()).contains("sundial db migrate").doesNotContain(password + "@");

    CliHarness.Run migrated =
        CliHarness.run(env(), "db", "migrate", "--db-schema", schema);
    assertThat(migrated.code()).as(migrated.err()).isZero();
    assertThat(migrated.out()).containsPattern("schema version \\d+").contains(schema);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = SundialCommand.newCommandLine(env());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // A real port: a PostgreSQL node is a cluster member and advertises it.
    String port = Integer.toString(freePort());
    Thread server =
        new Thread(
            () ->
                cl.execute(
                    "server", "start", "--no-migrate", "--db-schema", schema, "--port", port,
                    "--node-id", schema, "--log-level", "warn"),
            "cli-server");
    server.start();
    try {
      String target = awaitTarget(out, err, server, Duration.ofSeconds(60));
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
      try {
        assertThat(
                stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
                    .hasCapabilities())
            .isTrue();
      } finally {
        stubs.shutdownNow();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      server.interrupt(); // the command stops the server when interrupted
      server.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(server.isAlive()).isFalse();
    assertThat(out.toString())
        .contains("Data:", schema, "Node:       " + schema, "Sundial stopped.");
    assertThat(out.toString() + err).doesNotContain("password=" + password);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Waits for the banner's gRPC line; fails with the output when the command ends first. */
  private static String awaitTarget(
      StringWriter out, StringWriter err, Thread server, Duration timeout) {
    Pattern grpc = Pattern.compile("gRPC:\\s+(\\S+:\\d+)");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      Matcher m = grpc.matcher(out.toString());
      if (m.find()) {
        return m.group(1);
      }
      if (!server.isAlive()) {
        throw new AssertionError("server start ended early:\n" + out + err);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("server did not print its gRPC address in time:\n" + out + err);
  }
}
