package dev.sundial.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** operator namespace and cluster commands, as scripts use them (30d / 90d retention). */
class NamespaceCommandsTest {
  private static CliHarness h;

  @BeforeAll
  static void start() {
    h = new CliHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static JsonObject describe(String ns) {
    Run r = h.cli("operator", "namespace", "describe", "--namespace", ns, "-o", "json");
    assertThat(r.code()).as(r.err()).isZero();
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void registerUpdateDescribeListDelete() {
    Run create = h.cli("operator", "namespace", "register", "--namespace", "payments",
        "--retention", "30d", "--description", "payments team", "--data", "team=pay");
    assertThat(create.code()).as(create.err()).isZero();
    JsonObject d = describe("payments");
    assertThat(d.getAsJsonObject("config").get("workflowExecutionRetentionTtl").getAsString())
        .isEqualTo("2592000s");
    assertThat(d.getAsJsonObject("namespaceInfo").get("description").getAsString()).isEqualTo("payments team");

    Run update = h.cli("operator", "namespace", "update", "payments", "--retention", "90d");
    assertThat(update.code()).as(update.err()).isZero();
    assertThat(describe("payments").getAsJsonObject("config").get("workflowExecutionRetentionTtl")
        .getAsString()).isEqualTo("7776000s");
    Run text = h.cli("operator", "namespace", "describe", "-n", "payments");
    assertThat(text.out()).contains("payments").contains("90d");

    Run list = h.cli("operator", "namespace", "list", "-o", "json");
    assertThat(JsonParser.parseString(list.out()).getAsJsonArray().toString())
        .contains("\"payments\"").contains("\"default\"");

    Run bad = h.cli("operator", "namespace", "create", "-n", "x", "--retention", "30x");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--retention");

    Run again = h.cli("operator", "namespace", "create", "-n", "payments");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).startsWith("Error: ALREADY_EXISTS");

    Run delete = h.cli("operator", "namespace", "delete", "-n", "payments", "--yes");
    assertThat(delete.code()).as(delete.err()).isZero();
    assertThat(delete.out()).contains("payments-deleted-");
    Run gone = h.cli("operator", "namespace", "describe", "-n", "payments");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).startsWith("Error: NOT_FOUND");
    assertThat(h.cli("operator", "namespace", "list").out()).doesNotContain("payments");
  }

  @Test
  void clusterHealthSystemAndDescribe() {
    Run health = h.cli("operator", "cluster", "health");
    assertThat(health.code()).as(health.err()).isZero();
    assertThat(health.out()).contains("SERVING");
    Run system = h.cli("operator", "cluster", "system", "-o", "json");
    assertThat(JsonParser.parseString(system.out()).getAsJsonObject().get("serverVersion").getAsString())
        .isNotEmpty();
    Run cluster = h.cli("operator", "cluster", "describe");
    assertThat(cluster.out()).contains("HistoryShardCount");
    Run down = CliHarness.run(CliHarness.env(), "operator", "cluster", "health", "--address", "127.0.0.1:1");
    assertThat(down.code()).isEqualTo(1);
  }
}
