package dev.sundial.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * workflow replay: histories made by V1 replay cleanly with V1 and are reported as
 * non-deterministic with V2 (the event where they diverge in the message), from the server (one
 * run, a query) and from a history file.
 */
class ReplayCommandTest {
  private static CliHarness h;
  private static final String V1 = ReplayWorkflows.V1Impl.class.getName();
  private static final String V2 = ReplayWorkflows.V2Impl.class.getName();
  /** Where the test's classes are: the --classpath a user would give for their build. */
  private static final String CLASSES = Path.of("target", "test-classes").toAbsolutePath().toString();

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    h = new CliHarness();
    h.workers.newWorker("replay").registerWorkflowImplementationTypes(ReplayWorkflows.V1Impl.class);
    h.workers.start();
    for (String id : new String[] {"replay-1", "replay-2"}) {
      h.client.newWorkflowStub(ReplayWorkflows.Replayed.class,
          WorkflowOptions.newBuilder().setTaskQueue("replay").setWorkflowId(id).build()).run(id);
    }
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void anUnchangedWorkflowReplaysCleanly() {
    Run r = h.cli("workflow", "replay", "-w", "replay-1", "--classpath", CLASSES, "--workflow-class", V1);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("replay-1").contains("ok").contains("1 replayed, 0 not deterministic");
  }

  @Test
  void classesMarkedWorkflowImplAreFoundWithoutWorkflowClass() {
    Run r = h.cli("workflow", "replay", "-w", "replay-1", "--classpath", CLASSES);
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("1 replayed, 0 not deterministic");
  }

  @Test
  void aNonDeterministicChangeIsReportedWithWhereItDiverged() {
    Run r = h.cli("workflow", "replay", "--query", "WorkflowType='Replayed'", "--classpath", CLASSES,
        "--workflow-class", V2, "-o", "json");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    var runs = JsonParser.parseString(r.out()).getAsJsonArray();
    assertThat(runs).hasSize(2);
    runs.forEach(run -> {
      var o = run.getAsJsonObject();
      assertThat(o.get("deterministic").getAsBoolean()).isFalse();
      assertThat(o.get("error").getAsString()).containsIgnoringCase("event");
    });
  }

  @Test
  void aHistoryFileReplaysToo() throws Exception {
    Run show = h.cli("workflow", "show", "-w", "replay-2", "-o", "json");
    Path file = dir.resolve("replay-2.json");
    Files.writeString(file, show.out());
    Run ok = h.cli("workflow", "replay", "--history-file", file.toString(), "--classpath", CLASSES,
        "--workflow-class", V1);
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    Run bad = h.cli("workflow", "replay", "--history-file", file.toString(), "--classpath", CLASSES,
        "--workflow-class", V2);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("NON-DETERMINISTIC");
  }

  @Test
  void badArgumentsAreOneLine() {
    Run none = h.cli("workflow", "replay", "--classpath", CLASSES);
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("one of --workflow-id, --query or --history-file");
    Run missing = h.cli("workflow", "replay", "-w", "replay-1", "--classpath", "/no/such/dir");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--classpath");
    Run noClass = h.cli("workflow", "replay", "-w", "replay-1", "--classpath", CLASSES,
        "--workflow-class", "com.example.Nope");
    assertThat(noClass.code()).isEqualTo(2);
    assertThat(noClass.err()).contains("--workflow-class com.example.Nope");
  }
}
