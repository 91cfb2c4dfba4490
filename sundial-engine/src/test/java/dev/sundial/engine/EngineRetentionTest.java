package dev.sundial.engine;

import static dev.sundial.engine.EngineHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.state.Durations;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention: a closed run is deleted (state, history, current pointer) once the namespace's
 * retention has passed since it closed, by a durable timer written when it closed.
 */
class EngineRetentionTest {

  private static void setRetention(EngineHarness h, Duration retention) {
    NamespaceRegistry ns = h.engine.namespaces();
    var d = ns.byName("default").description();
    ns.update(
        "default",
        d.toBuilder()
            .setConfig(
                d.getConfig().toBuilder()
                    .setWorkflowExecutionRetentionTtl(Durations.ofMillis(retention.toMillis())))
            .build());
  }

  private static void complete(EngineHarness h) {
    h.completeWorkflowTask(
        h.pollWorkflowTask().getTaskToken(), Commands.completeWorkflow(EngineHarness.payloads("x")));
  }

  private static boolean gone(EngineHarness h, String workflowId, String runId) {
    try {
      h.state(workflowId, runId);
      return false;
    } catch (ExecutionNotFoundException e) {
      return true;
    }
  }

  @Test
  void closedRunsAreDeletedAfterTheRetentionThatWasConfiguredWhenTheyClosed() throws Exception {
    try (EngineHarness h = EngineHarness.inMemory()) {
      // The default namespace keeps closed runs for a day.
      String old = h.start("wf-ret-1");
      complete(h);
      setRetention(h, Duration.ofHours(1));
      String newer = h.start("wf-ret-2");
      complete(h);
      String open = h.start("wf-ret-open");

      h.advance(Duration.ofMinutes(61));
      EngineHarness.await("run closed under 1 h retention deleted", () -> gone(h, "wf-ret-2", newer), g -> g);
      assertThatThrownBy(() -> h.state("wf-ret-2", "")).isInstanceOf(ExecutionNotFoundException.class);
      assertThatThrownBy(() -> h.history("wf-ret-2", newer)).isInstanceOf(ExecutionNotFoundException.class);
      assertThat(h.state("wf-ret-1", old).isRunning()).isFalse();
      assertThat(h.state("wf-ret-open", open).isRunning()).isTrue();

      h.advance(Duration.ofHours(23));
      EngineHarness.await("run closed under 1 day retention deleted", () -> gone(h, "wf-ret-1", old), g -> g);
      assertThat(h.state("wf-ret-open", open).isRunning()).isTrue();
      // The workflow id is free again.
      assertThat(h.start("wf-ret-1")).isNotEqualTo(old);
    }
  }

  @Test
  void retentionTimersSurviveARestart(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("sundial.db");
    MutableClock clock = new MutableClock(T0);
    String runId;
    try (EngineHarness h = EngineHarness.onFile(db, clock)) {
      setRetention(h, Duration.ofHours(1));
      runId = h.start("wf-ret-restart");
      complete(h);
    }
    clock.advance(Duration.ofHours(2));
    try (EngineHarness h = EngineHarness.onFile(db, clock)) {
      EngineHarness.await("deleted after restart", () -> gone(h, "wf-ret-restart", runId), g -> g);
    }
  }
}
