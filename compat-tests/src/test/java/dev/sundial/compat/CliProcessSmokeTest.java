package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a real process ({@code java -jar} on the built JAR, as `./sundial workflow ...`
 * runs it) against a
 * standalone server process: start, list as JSON, describe, terminate, a server error's exit
 * status, and the cluster health check.
 */
class CliProcessSmokeTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  /** The runnable JAR the build made (sundial-cli packages before this module tests). */
  private static Path builtJar() throws IOException {
    Path target = Path.of("..", "sundial-cli", "target");
    try (var files = Files.list(target)) {
      return files.filter(f -> f.getFileName().toString().matches("sundial-cli-.*-all\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no sundial-cli *-all.jar in " + target));
    }
  }

  private static Result cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ChildJvm.javaExecutable(), "-jar",
        builtJar().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void theCliProcessDrivesAServerProcess() throws Exception {
    Path log = Paths.get("target", "cli-smoke", "server-" + System.currentTimeMillis() + ".log");
    try (SundialProcess server = new SundialProcess(SundialProcess.freePort(), dir.resolve("s.db"), log)) {
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      String address = server.target();

      Result start = cli("workflow", "start", "--address", address, "--type", "OrderProcessing",
          "--task-queue", "orders", "--workflow-id", "smoke-1", "--input", "{\"data\": \"value\"}");
      assertThat(start.code()).as(start.err()).isZero();
      assertThat(start.out()).contains("smoke-1");

      Result list = cli("workflow", "list", "--address", address, "-o", "json");
      assertThat(list.code()).as(list.err()).isZero();
      assertThat(JsonParser.parseString(list.out()).getAsJsonArray()).hasSize(1);

      Result describe = cli("workflow", "describe", "--address", address, "-w", "smoke-1");
      assertThat(describe.out()).contains("Running").contains("OrderProcessing");

      Result terminate = cli("workflow", "terminate", "--address", address, "-w", "smoke-1",
          "--reason", "smoke");
      assertThat(terminate.code()).as(terminate.err()).isZero();

      Result again = cli("workflow", "terminate", "--address", address, "-w", "smoke-1");
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.err().strip()).startsWith("Error: NOT_FOUND").doesNotContain("\n");

      Result health = cli("operator", "cluster", "health", "--address", address);
      assertThat(health.code()).as(health.err()).isZero();
      assertThat(health.out()).contains("SERVING");
    }
  }
}
