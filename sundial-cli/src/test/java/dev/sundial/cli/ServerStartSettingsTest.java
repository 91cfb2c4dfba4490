package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.server.StoreOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code server start} combines flags, environment and config file; no server is started. */
class ServerStartSettingsTest {

  @TempDir Path tmp;

  static ServerStartCommand.Settings settings(Map<String, String> env, String... args) {
    CommandLine cl = SundialCommand.newCommandLine(env);
    String[] all = new String[args.length + 2];
    all[0] = "server";
    all[1] = "start";
    System.arraycopy(args, 0, all, 2, args.length);
    CommandLine.ParseResult parsed = cl.parseArgs(all);
    ServerStartCommand cmd =
        parsed.subcommand().subcommand().commandSpec().commandLine().getCommand();
    return cmd.resolve(env);
  }

  private static ServerStartCommand.Settings settings(String... args) {
    return settings(Map.of(), args);
  }

  private Path file(String name, String content) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void defaults() {
    ServerStartCommand.Settings s = settings();
    assertThat(s.ip()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isEqualTo(7233);
    assertThat(s.uiPort()).isEqualTo(8233);
    assertThat(s.store().kind()).isEqualTo(StoreOptions.Kind.SQLITE_FILE);
    assertThat(s.store().file()).isEqualTo(Path.of("./sundial-data/sundial.db"));
    assertThat(s.migrate()).isTrue();
    assertThat(s.logLevel()).isEqualTo(LogLevel.INFO);
    assertThat(s.namespaces()).isEmpty();
    assertThat(s.nodeId()).endsWith("-7233");
    assertThat(s.advertiseAddress()).isEqualTo("127.0.0.1:7233");
  }

  @Test
  void metricsPortAndLabelLimit() {
    assertThat(settings().metricsPort()).isEqualTo(9233);
    assertThat(settings("--port", "9000").metricsPort()).isEqualTo(11000);
    assertThat(settings("--port", "0").metricsPort()).isZero();
    assertThat(settings("--metrics-port", "-1").metricsPort()).isEqualTo(-1);
    assertThat(settings().metricsLabelLimit()).isEqualTo(200);
    assertThat(settings("--metrics-label-limit", "5").metricsLabelLimit()).isEqualTo(5);
    assertThatThrownBy(() -> settings("--metrics-port", "7233"))
        .hasMessageContaining("--metrics-port must differ");
    assertThatThrownBy(() -> settings("--metrics-label-limit", "-1"))
        .hasMessageContaining("--metrics-label-limit");
    assertThatThrownBy(() -> settings("--port", "64000"))
        .hasMessageContaining("--metrics-port");
  }

  @Test
  void httpPortsAndUiFlags() {
    ServerStartCommand.Settings d = settings();
    assertThat(d.httpPort()).isEqualTo(7243);
    assertThat(d.headless()).isFalse();
    assertThat(d.httpAllowedHosts()).isEmpty();
    ServerStartCommand.Settings s = settings("--port", "9000", "--headless",
        "--http-allowed-hosts", "sundial.internal,ops.example");
    assertThat(s.httpPort()).isEqualTo(9010);
    assertThat(s.uiPort()).isEqualTo(10000);
    assertThat(s.headless()).isTrue();
    assertThat(s.httpAllowedHosts()).containsExactly("sundial.internal", "ops.example");
    assertThat(settings("--http-port", "-1").httpPort()).isEqualTo(-1);
    assertThat(settings("--port", "0").httpPort()).isZero();
    assertThatThrownBy(() -> settings("--port", "7233", "--http-port", "7233"))
        .hasMessageContaining("--http-port must differ");
    assertThatThrownBy(() -> settings("--http-port", "-2")).hasMessageContaining("--http-port");
    assertThatThrownBy(() -> settings("--http-allowed-hosts", "a b"))
        .hasMessageContaining("--http-allowed-hosts");
  }

  @Test
  void maxConnections() {
    assertThat(settings().maxConnections()).isEqualTo(10_000);
    assertThat(settings("--max-connections", "50").maxConnections()).isEqualTo(50);
    assertThatThrownBy(() -> settings("--max-connections", "0"))
        .hasMessageContaining("--max-connections");
  }

  @Test
  void sqliteSpellings() {
    Path db = tmp.resolve("a.db");
    assertThat(settings("--db", "sqlite:" + db).store().file()).isEqualTo(db);
    assertThat(settings("--db", db.toString()).store().file()).isEqualTo(db);
    assertThat(settings("--db-filename", db.toString()).store().file()).isEqualTo(db);
    assertThat(settings("-f", db.toString()).store().file()).isEqualTo(db);
  }

  @Test
  void postgresUrlSelectsPostgresAndHidesThePassword() {
    ServerStartCommand.Settings s =
        settings("--db", "postgres://alice:s3cret@db.example:5432/sundial");
    assertThat(s.store().kind()).isEqualTo(StoreOptions.Kind.POSTGRES);
    assertThat(s.store().postgresConfig().password()).isEqualTo("s3cret");
    assertThat(s.store().location()).contains("db.example").doesNotContain("s3cret");
    assertThat(s.store().toString()).doesNotContain("s3cret");
  }

  @Test
  void postgresFlagsOverrideUrlParameters() {
    ServerStartCommand.Settings s =
        settings(
            "--db", "postgresql://bob@h:5432/d?schema=one&pool=3",
            "--db-schema", "two",
            "--db-pool-size", "7");
    assertThat(s.store().postgresConfig().schema()).isEqualTo("two");
    assertThat(s.store().postgresConfig().poolSize()).isEqualTo(7);
    assertThat(settings("--db", "jdbc:postgresql://h:5432/d").store().kind())
        .isEqualTo(StoreOptions.Kind.POSTGRES);
  }

  @Test
  void dbAndDbFilenameTogetherIsAnError() {
    assertThatThrownBy(() -> settings("--db", "sqlite:x.db", "--db-filename", "y.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--db")
        .hasMessageContaining("--db-filename");
  }

  @Test
  void unsupportedSchemeIsNamed() {
    assertThatThrownBy(() -> settings("--db", "mysql://h/d"))
        .hasMessageContaining("--db")
        .hasMessageContaining("'mysql'");
  }

  @Test
  void flagBeatsEnvironmentBeatsConfigFile() throws IOException {
    Path a = tmp.resolve("a.db");
    Path b = tmp.resolve("b.db");
    Path c = tmp.resolve("c.db");
    Path config = file("sundial.properties", "db=sqlite:" + a + "\nport=7300\n");
    Map<String, String> env = Map.of("SUNDIAL_DB", b.toString());
    String cfg = config.toString();
    assertThat(settings(Map.of(), "--config", cfg).store().file()).isEqualTo(a);
    assertThat(settings(env, "--config", cfg).store().file()).isEqualTo(b);
    assertThat(settings(env, "--config", cfg, "--db", c.toString()).store().file()).isEqualTo(c);
    // --db-filename is the same setting as --db: a flag beats the environment either way.
    assertThat(settings(env, "--config", cfg, "-f", c.toString()).store().file()).isEqualTo(c);
    assertThat(settings(env, "--config", cfg).port()).isEqualTo(7300);
    assertThat(settings(env, "--config", cfg, "--port", "7400").port()).isEqualTo(7400);
    // An empty variable counts as unset.
    assertThat(settings(Map.of("SUNDIAL_DB", ""), "--config", cfg).store().file()).isEqualTo(a);
  }

  @Test
  void configFileKeysAcceptSeveralSpellings() throws IOException {
    Path config =
        file(
            "c.properties",
            "--ip=0.0.0.0\nui_port=9000\nLOG-LEVEL=warn\nnamespace=orders, billing\n"
                + "no-migrate=true\nnode.id=n1\nadvertiseaddress=node1.internal:7233\n");
    ServerStartCommand.Settings s = settings("--config", config.toString());
    assertThat(s.ip()).isEqualTo("0.0.0.0");
    assertThat(s.uiPort()).isEqualTo(9000);
    assertThat(s.logLevel()).isEqualTo(LogLevel.WARN);
    assertThat(s.namespaces()).containsExactly("orders", "billing");
    assertThat(s.migrate()).isFalse();
    assertThat(s.nodeId()).isEqualTo("n1");
    assertThat(s.advertiseAddress()).isEqualTo("node1.internal:7233");
  }

  @Test
  void configFileErrorsNameTheFileAndKey() throws IOException {
    Path unknown = file("u.properties", "prot=7233\n");
    assertThatThrownBy(() -> settings("--config", unknown.toString()))
        .hasMessageContaining("unknown key 'prot'")
        .hasMessageContaining(unknown.toString());
    Path badPort = file("p.properties", "port=seventy\n");
    assertThatThrownBy(() -> settings("--config", badPort.toString()))
        .hasMessageContaining("'port' in " + badPort)
        .hasMessageContaining("seventy");
    Path badBool = file("b.properties", "no-migrate=yes please\n");
    assertThatThrownBy(() -> settings("--config", badBool.toString()))
        .hasMessageContaining("'no-migrate'")
        .hasMessageContaining("true or false");
    Path both = file("both.properties", "db=sqlite:a.db\ndb-filename=b.db\n");
    assertThatThrownBy(() -> settings("--config", both.toString()))
        .hasMessageContaining("give only one");
    assertThatThrownBy(() -> settings("--config", tmp.resolve("missing.properties").toString()))
        .hasMessageContaining("--config: file not found");
  }

  @Test
  void passwordPrecedence() throws IOException {
    String url = "postgres://alice@h:5432/d";
    Path pwFile = file("pw", "from-file\n");
    Path envPwFile = file("envpw", "from-env-file\r\n");
    Path configPwFile = file("cfgpw", "from-config-file");
    Path config = file("c.properties", "db-password-file=" + configPwFile + "\n");
    String cfg = config.toString();

    assertThat(password(Map.of(), "--db", url, "--config", cfg)).isEqualTo("from-config-file");
    assertThat(
            password(
                Map.of("SUNDIAL_DB_PASSWORD_FILE", envPwFile.toString()),
                "--db", url, "--config", cfg))
        .isEqualTo("from-env-file");
    assertThat(password(Map.of("SUNDIAL_DB_PASSWORD", "from-env"), "--db", url, "--config", cfg))
        .isEqualTo("from-env");
    assertThat(
            password(
                Map.of("SUNDIAL_DB_PASSWORD", "from-env"),
                "--db", url, "--config", cfg, "--db-password-file", pwFile.toString()))
        .isEqualTo("from-file");
    // The environment supplies both the URL and the password.
    assertThat(password(Map.of("SUNDIAL_DB", url, "SUNDIAL_DB_PASSWORD", "p"))).isEqualTo("p");
  }

  private static String password(Map<String, String> env, String... args) {
    return settings(env, args).store().postgresConfig().password();
  }

  @Test
  void passwordErrors() throws IOException {
    String url = "postgres://alice@h:5432/d";
    Path empty = file("empty", "\n");
    assertThatThrownBy(() -> settings("--db", url, "--db-password-file", empty.toString()))
        .hasMessageContaining("--db-password-file")
        .hasMessageContaining("is empty");
    assertThatThrownBy(
            () -> settings("--db", url, "--db-password-file", tmp.resolve("nope").toString()))
        .hasMessageContaining("--db-password-file: file not found");
    Path pw = file("pw", "x");
    assertThatThrownBy(
            () ->
                settings(
                    Map.of("SUNDIAL_DB_PASSWORD", "a", "SUNDIAL_DB_PASSWORD_FILE", pw.toString()),
                    "--db", url))
        .hasMessageContaining("SUNDIAL_DB_PASSWORD and SUNDIAL_DB_PASSWORD_FILE");
    // A password (or schema, pool size) flag for a SQLite database is a mistake ...
    assertThatThrownBy(() -> settings("--db-password-file", pw.toString()))
        .hasMessageContaining("--db-password-file applies only to PostgreSQL");
    assertThatThrownBy(() -> settings("--db-schema", "s"))
        .hasMessageContaining("--db-schema applies only to PostgreSQL");
    // ... but a variable left over in the shell does not stop a SQLite server.
    assertThat(settings(Map.of("SUNDIAL_DB_PASSWORD", "a")).store().kind())
        .isEqualTo(StoreOptions.Kind.SQLITE_FILE);
  }

  @Test
  void valueErrorsNameTheFlag() {
    assertThatThrownBy(() -> settings("--port", "70000"))
        .hasMessage("--port must be between 0 and 65535 but was 70000");
    assertThatThrownBy(() -> settings("--port", "7233", "--ui-port", "7233"))
        .hasMessageContaining("--ui-port must differ");
    assertThatThrownBy(() -> settings("--db", "postgres://h/d", "--db-pool-size", "0"))
        .hasMessageContaining("--db-pool-size must be between 1 and");
    assertThatThrownBy(() -> settings("--db", "postgres://h/d", "--db-schema", "drop table;"))
        .hasMessageContaining("--db-schema must be a plain SQL identifier");
    assertThatThrownBy(() -> settings("--log-level", "loud"))
        .hasMessageContaining("--log-level")
        .hasMessageContaining("loud");
    assertThatThrownBy(() -> settings("--advertise-address", "node1"))
        .hasMessageContaining("--advertise-address must be <host>:<port>");
    assertThatThrownBy(() -> settings("--node-id", "has space"))
        .hasMessageContaining("--node-id");
    assertThatThrownBy(() -> settings("-n", "a,,b")).hasMessageContaining("--namespace");
    assertThatThrownBy(() -> settings("--db-filename", tmp.toString()))
        .hasMessageContaining("is a directory");
  }

  @Test
  void clusterIdentity() {
    ServerStartCommand.Settings s =
        settings("--node-id", "node-a", "--advertise-address", "[fd00::1]:7233");
    assertThat(s.nodeId()).isEqualTo("node-a");
    assertThat(s.advertiseAddress()).isEqualTo("[fd00::1]:7233");
    ServerStartCommand.Settings wildcard = settings("--ip", "0.0.0.0", "--port", "7300");
    assertThat(wildcard.advertiseAddress()).endsWith(":7300").doesNotStartWith("0.0.0.0");
    assertThat(wildcard.nodeId()).endsWith("-7300");
    // With a port picked at bind time there is nothing to advertise yet.
    assertThat(settings("--port", "0").advertiseAddress()).isNull();
  }

  @Test
  void usageErrorsExitWithTwoAndOneLine() {
    StringWriter err = new StringWriter();
    CommandLine cl = SundialCommand.newCommandLine(Map.of());
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("server", "start", "--db", "sqlite:a.db", "--db-filename", "b.db");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("sundial: ")
        .contains("give only one")
        .doesNotContain("at dev.sundial");
  }

  @Test
  void helpListsTheDatabaseOptions() {
    StringWriter out = new StringWriter();
    CommandLine cl = SundialCommand.newCommandLine(Map.of());
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("server", "start", "--help")).isZero();
    assertThat(out.toString())
        .contains("--db=<url>", "--db-password-file", "--no-migrate", "--config", "--node-id");
  }
}
