package dev.sundial.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import dev.sundial.server.Sundial;
import dev.sundial.server.security.AuthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sundial audit list}: filters, JSON, and a JSON-lines export of everything. */
class AuditCliTest {
  @TempDir Path dir;

  private static Run cli(Sundial s, String key, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--address", "127.0.0.1:" + s.grpcPort(), "--command-timeout", "10s",
        "--api-key", key, "--tls=false"));
    return CliHarness.run(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void listsFiltersAndExports() throws Exception {
    Path adminFile = dir.resolve("admin.key");
    try (Sundial s = Sundial.builder().inMemory().grpc("127.0.0.1", 0).namespace("orders")
        .auth(AuthConfig.apiKeys(adminFile)).start()) {
      String admin = Files.readString(adminFile).strip();
      String ci = JsonParser.parseString(cli(s, admin, "operator", "api-key", "create", "--name",
          "ci", "--role", "orders:write", "-o", "json").out()).getAsJsonObject().get("key").getAsString();
      for (String id : List.of("o-1", "o-2")) {
        Run start = cli(s, ci, "workflow", "start", "-n", "orders", "--type", "T", "--task-queue",
            "q", "--workflow-id", id);
        assertThat(start.code()).as(start.err()).isZero();
      }
      Run refused = cli(s, ci, "workflow", "start", "--type", "T", "--task-queue", "q",
          "--workflow-id", "in-default");
      assertThat(refused.code()).isEqualTo(1);

      // Outcomes are written right after the answers: wait until none is pending.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      Run text;
      do {
        text = cli(s, admin, "audit", "list", "--principal", "ci");
        assertThat(System.nanoTime()).as(text.out()).isLessThan(deadline);
      } while (text.out().contains("PENDING") || !text.out().contains("PERMISSION_DENIED"));
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).contains("workflow:o-1").contains("workflow:o-2")
          .contains("StartWorkflowExecution").contains("PERMISSION_DENIED");

      Run inOrders = cli(s, admin, "audit", "list", "-n", "orders", "-o", "json");
      var records = JsonParser.parseString(inOrders.out()).getAsJsonArray();
      assertThat(records).hasSize(2);
      assertThat(records.get(0).getAsJsonObject().get("target").getAsString()).isEqualTo("workflow:o-2");

      Run export = cli(s, admin, "audit", "list", "--limit", "0", "-o", "jsonl");
      List<String> lines = export.out().lines().toList();
      assertThat(lines).hasSize(4); // the ci key, two starts and the refusal (reads are not recorded)
      lines.forEach(l -> assertThat(JsonParser.parseString(l).getAsJsonObject().has("operation")).isTrue());

      Run notAllowed = cli(s, ci, "audit", "list");
      assertThat(notAllowed.code()).isEqualTo(1);
      assertThat(notAllowed.err()).contains("PERMISSION_DENIED").contains("system read role");
    }
  }
}
