package dev.sundial.cli;

import dev.sundial.cli.common.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sundial db migrate} on real SQLite files. */
class DbMigrateCommandTest {

  @TempDir Path tmp;

  private static CliHarness.Run run(Map<String, String> env, String... args) {
    return CliHarness.run(env, args);
  }

  @Test
  void migratesASqliteFileAndPrintsTheVersion() {
    Path db = tmp.resolve("data/sundial.db");
    CliHarness.Run first = run(Map.of(), "db", "migrate", "--db", "sqlite:" + db);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains(db.toString()).containsPattern("schema version \\d+");
    assertThat(Files.exists(db)).isTrue();
    // Running it again is harmless and reports the same version.
    CliHarness.Run again = run(Map.of(), "db", "migrate", "-f", db.toString());
    assertThat(again.code()).isZero();
    assertThat(again.out()).isEqualTo(first.out());
  }

  @Test
  void takesTheDatabaseFromTheEnvironmentOrConfigFile() throws IOException {
    Path fromEnv = tmp.resolve("env.db");
    assertThat(run(Map.of("SUNDIAL_DB", fromEnv.toString()), "db", "migrate").code()).isZero();
    assertThat(Files.exists(fromEnv)).isTrue();
    Path fromConfig = tmp.resolve("config.db");
    Path config = tmp.resolve("sundial.properties");
    // Server-only keys are allowed: one file serves both commands.
    Files.writeString(config, "db-filename=" + fromConfig + "\nport=7300\nno-migrate=true\n");
    assertThat(run(Map.of(), "db", "migrate", "--config", config.toString()).code()).isZero();
    assertThat(Files.exists(fromConfig)).isTrue();
  }

  @Test
  void badFlagsExitWithTwo() {
    CliHarness.Run both = run(Map.of(), "db", "migrate", "--db", "sqlite:a.db", "-f", "b.db");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("give only one");
    CliHarness.Run scheme = run(Map.of(), "db", "migrate", "--db", "oracle://h/x");
    assertThat(scheme.code()).isEqualTo(2);
    assertThat(scheme.err()).contains("'oracle'");
    CliHarness.Run missing = run(Map.of(), "db");
    assertThat(missing.code()).isEqualTo(2);
  }

  @Test
  void databaseErrorsExitWithOneWithoutAStackTrace() throws IOException {
    Path notADir = tmp.resolve("file");
    Files.writeString(notADir, "x");
    CliHarness.Run r = run(Map.of(), "db", "migrate", "-f", notADir.resolve("sundial.db").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("sundial: cannot migrate ").doesNotContain("\tat ");
  }

  @Test
  void errorLinesDoNotRepeatWrappedMessages() {
    RuntimeException e =
        new RuntimeException(
            "cannot connect to db: FATAL: bad password",
            new RuntimeException(
                "Failed to initialize pool: FATAL: bad password",
                new RuntimeException("FATAL: bad password")));
    assertThat(Commands.describe(e)).isEqualTo("cannot connect to db: FATAL: bad password");
    assertThat(Commands.describe(new RuntimeException("outer", new RuntimeException("inner"))))
        .isEqualTo("outer: inner");
  }
}
