package dev.sundial.cli.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import io.temporal.activity.ActivityInterface;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code sundial activity start|execute|describe|list|count|result|cancel|terminate|delete|complete}. */
class StandaloneActivityCommandsTest {
  private static CliHarness h;

  @ActivityInterface
  public interface Greeter {
    String greet(String name);
  }

  public static class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "Hello, " + name + "!";
    }
  }

  @BeforeAll
  static void start() {
    h = new CliHarness();
    h.workers.newWorker("greetings").registerActivitiesImplementations(new GreeterImpl());
    h.workers.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** Starts an activity on a queue no worker polls, so it stays scheduled. */
  private static Run startIdle(String id) {
    return h.cli("activity", "start", "--activity-id", id, "--type", "Greet", "-t", "nobody",
        "--start-to-close-timeout", "1m", "--input", "\"idle\"");
  }

  @Test
  void executeRunsAnActivityOnItsOwnAndPrintsItsResult() {
    Run text = h.cli("activity", "execute", "--activity-id", "cli-execute", "--type", "Greet",
        "-t", "greetings", "--start-to-close-timeout", "10s", "--input", "\"CLI\"",
        "--command-timeout", "30s");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("Running execution:").contains("cli-execute")
        .contains("COMPLETED").contains("\"Hello, CLI!\"");

    Run json = h.cli("activity", "execute", "--activity-id", "cli-execute-json", "--type", "Greet",
        "-t", "greetings", "--schedule-to-close-timeout", "10s", "--input", "\"JSON\"",
        "-o", "json", "--command-timeout", "30s");
    assertThat(json.code()).as(json.err()).isZero();
    var o = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(o.get("activityId").getAsString()).isEqualTo("cli-execute-json");
    assertThat(o.get("status").getAsString()).isEqualTo("COMPLETED");
    assertThat(o.get("result").getAsString()).isEqualTo("Hello, JSON!");
    assertThat(o.get("runId").getAsString()).isNotEmpty();
  }

  @Test
  void startDescribeListCountAndCompleteByHand() {
    Run started = startIdle("cli-idle");
    assertThat(started.code()).as(started.err()).isZero();
    assertThat(started.out()).contains("ActivityId").contains("cli-idle").contains("RunId");

    Run describe = h.cli("activity", "describe", "-a", "cli-idle");
    assertThat(describe.code()).as(describe.err()).isZero();
    assertThat(describe.out()).contains("Status").contains("Running")
        .contains("RunState").contains("Scheduled").contains("TaskQueue").contains("nobody");

    Run list = h.cli("activity", "list", "-q", "ActivityId = 'cli-idle'");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("cli-idle").contains("Greet").contains("Running");

    Run count = h.cli("activity", "count", "-q", "ActivityId = 'cli-idle' GROUP BY ExecutionStatus");
    assertThat(count.code()).as(count.err()).isZero();
    assertThat(count.out()).contains("Total: 1").contains("Running");

    // Without -w, complete names a standalone activity.
    Run complete = h.cli("activity", "complete", "-a", "cli-idle", "--result", "\"by hand\"");
    assertThat(complete.code()).as(complete.err()).isZero();
    Run result = h.cli("activity", "result", "-a", "cli-idle", "--command-timeout", "30s");
    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out()).contains("COMPLETED").contains("\"by hand\"");
  }

  @Test
  void cancelTerminateAndDelete() {
    startIdle("cli-cancel");
    Run cancel = h.cli("activity", "cancel", "-a", "cli-cancel", "--reason", "not needed");
    assertThat(cancel.code()).as(cancel.err()).isZero();
    Run canceled = h.cli("activity", "result", "-a", "cli-cancel", "--command-timeout", "30s");
    assertThat(canceled.code()).isEqualTo(1);
    assertThat(canceled.out()).contains("FAILED");
    assertThat(h.cli("activity", "describe", "-a", "cli-cancel").out()).contains("Canceled");

    startIdle("cli-terminate");
    Run terminate = h.cli("activity", "terminate", "-a", "cli-terminate", "--reason", "stop it");
    assertThat(terminate.code()).as(terminate.err()).isZero();
    Run terminated = h.cli("activity", "result", "-a", "cli-terminate", "-o", "json",
        "--command-timeout", "30s");
    assertThat(terminated.code()).isEqualTo(1);
    assertThat(terminated.out()).contains("\"FAILED\"").contains("stop it");

    Run delete = h.cli("activity", "delete", "-a", "cli-terminate");
    assertThat(delete.code()).as(delete.err()).isZero();
    CliHarness.await("the activity to be deleted",
        () -> h.cli("activity", "describe", "-a", "cli-terminate").err()
            .contains("NOT_FOUND: activity execution not found: ActivityId=cli-terminate"));
  }

  @Test
  void badInputIsRefusedWithTheFlagNamed() {
    Run noTimeout = h.cli("activity", "start", "--activity-id", "cli-bad", "--type", "Greet",
        "-t", "greetings");
    assertThat(noTimeout.code()).isEqualTo(2);
    assertThat(noTimeout.err()).contains("--start-to-close-timeout or --schedule-to-close-timeout");

    Run badPolicy = h.cli("activity", "start", "--activity-id", "cli-bad", "--type", "Greet",
        "-t", "greetings", "--start-to-close-timeout", "5s", "--id-reuse-policy", "Sometimes");
    assertThat(badPolicy.code()).isEqualTo(2);
    assertThat(badPolicy.err()).contains("--id-reuse-policy must be one of");

    startIdle("cli-twice");
    Run twice = startIdle("cli-twice");
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).contains("ALREADY_EXISTS");
  }
}
