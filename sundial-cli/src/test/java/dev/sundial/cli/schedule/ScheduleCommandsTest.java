package dev.sundial.cli.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedule commands against an embedded Sundial: create, describe, list, toggle, trigger, backfill, delete. */
class ScheduleCommandsTest {
  private static CliHarness h;

  @BeforeAll
  static void start() {
    h = new CliHarness();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static JsonObject describe(String id) {
    Run r = h.cli("schedule", "describe", "-s", id, "-o", "json");
    assertThat(r.code()).as(r.err()).isZero();
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  private static long workflowsOf(String type) {
    Run r = h.cli("workflow", "count", "--query", "WorkflowType='" + type + "'", "-o", "json");
    return JsonParser.parseString(r.out()).getAsJsonObject().get("count").getAsLong();
  }

  @Test
  void createDescribeListToggleTriggerBackfillDelete() {
    Run create = h.cli("schedule", "create", "-s", "nightly", "--cron", "0 2 * * *",
        "--calendar", "{\"dayOfWeek\":\"Sat\",\"hour\":\"9\"}", "--interval", "1h/15m",
        "--type", "Report", "--task-queue", "reports", "--input", "{\"kind\": \"daily\"}",
        "--overlap-policy", "AllowAll", "--notes", "made by the CLI test");
    assertThat(create.code()).as(create.err()).isZero();

    JsonObject d = describe("nightly");
    JsonObject spec = d.getAsJsonObject("schedule").getAsJsonObject("spec");
    assertThat(spec.toString()).contains("\"hour\"").contains("3600s").contains("900s");
    JsonObject action = d.getAsJsonObject("schedule").getAsJsonObject("action").getAsJsonObject("startWorkflow");
    assertThat(action.getAsJsonObject("workflowType").get("name").getAsString()).isEqualTo("Report");
    assertThat(action.get("workflowId").getAsString()).isEqualTo("nightly");
    assertThat(d.getAsJsonObject("schedule").getAsJsonObject("policies").get("overlapPolicy").getAsString())
        .isEqualTo("SCHEDULE_OVERLAP_POLICY_ALLOW_ALL");
    Run text = h.cli("schedule", "describe", "-s", "nightly");
    assertThat(text.out()).contains("Report").contains("AllowAll").contains("made by the CLI test");

    Run list = h.cli("schedule", "list");
    assertThat(list.out()).contains("nightly").contains("Report");

    assertThat(h.cli("schedule", "toggle", "-s", "nightly", "--pause", "--reason", "maintenance").code()).isZero();
    JsonObject paused = describe("nightly").getAsJsonObject("schedule").getAsJsonObject("state");
    assertThat(paused.get("paused").getAsBoolean()).isTrue();
    assertThat(paused.get("notes").getAsString()).isEqualTo("maintenance");
    assertThat(h.cli("schedule", "toggle", "-s", "nightly", "--unpause").code()).isZero();
    Run both = h.cli("schedule", "toggle", "-s", "nightly", "--pause", "--unpause");
    assertThat(both.code()).isEqualTo(2);

    assertThat(h.cli("schedule", "trigger", "-s", "nightly").code()).isZero();
    CliHarness.await("the triggered workflow", () -> workflowsOf("Report") >= 1);

    Run backfill = h.cli("schedule", "backfill", "-s", "nightly", "--start-time", "2026-11-02T00:00:00Z",
        "--end-time", "2026-11-03T00:00:00Z", "--overlap-policy", "AllowAll");
    assertThat(backfill.code()).as(backfill.err()).isZero();
    CliHarness.await("the backfilled runs", () -> workflowsOf("Report") >= 2);

    Run times = h.cli("schedule", "list-matching-times", "-s", "nightly",
        "--start-time", "2026-11-02T00:00:00Z", "--end-time", "2026-11-02T03:00:00Z");
    assertThat(times.out()).contains("2026-11-02T00:15:00Z").contains("2026-11-02T02:00:00Z");

    assertThat(h.cli("schedule", "delete", "-s", "nightly").code()).isZero();
    Run gone = h.cli("schedule", "describe", "-s", "nightly");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).startsWith("Error: NOT_FOUND");
  }

  @Test
  void badScheduleFlagsAreOneLineErrors() {
    Run interval = h.cli("schedule", "create", "-s", "x", "--interval", "soon", "--type", "T", "-t", "q");
    assertThat(interval.code()).isEqualTo(2);
    assertThat(interval.err()).contains("--interval");
    Run calendar = h.cli("schedule", "create", "-s", "x", "--calendar", "{nope", "--type", "T", "-t", "q");
    assertThat(calendar.code()).isEqualTo(2);
    assertThat(calendar.err()).contains("--calendar");
    Run zone = h.cli("schedule", "create", "-s", "x", "--cron", "* * * * *", "--time-zone", "Mars/Base",
        "--type", "T", "-t", "q");
    assertThat(zone.code()).isEqualTo(2);
    assertThat(zone.err()).contains("--time-zone");
    Run overlap = h.cli("schedule", "trigger", "-s", "x", "--overlap-policy", "Whenever");
    assertThat(overlap.code()).isEqualTo(2);
    assertThat(overlap.err()).contains("--overlap-policy must be one of");
  }
}
