package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionWriteBuilderTest {
  private static ExecutionRecord run(String workflowId, long version) {
    return new ExecutionRecord("ns", workflowId, "r1", 3, version, true, 2, new byte[] {1});
  }

  @Test
  void namesWhatItSetsAndLeavesTheRestEmpty() {
    ExecutionWrite w = ExecutionWrite.builder(3, 7)
        .execution(run("wf", 1), 0)
        .current(new CurrentExecution("ns", "wf", "r1", true, "req"), null)
        .currentMustBeAbsent()
        .deleteTimers(List.of(5L))
        .build();
    assertThat(w.shardId()).isEqualTo(3);
    assertThat(w.rangeId()).isEqualTo(7);
    assertThat(w.execution().runId()).isEqualTo("r1");
    assertThat(w.currentMustBeAbsent()).isTrue();
    assertThat(w.timersToDelete()).containsExactly(5L);
    assertThat(w.history()).isEmpty();
    assertThat(w.queueTasksToAdd()).isEmpty();
    assertThat(w.linked()).isEmpty();
    assertThat(w.visibility()).isNull();
    ExecutionWrite fence = ExecutionWrite.builder(3, 7).build();
    assertThat(fence.execution()).isNull();
    assertThat(fence.current()).isNull();
  }

  @Test
  void refusesContradictions() {
    assertThatThrownBy(() -> ExecutionWrite.builder(1, 1).execution(run("wf", 5), 3).build())
        .hasMessageContaining("cannot replace version 3");
    assertThatThrownBy(() -> ExecutionWrite.builder(1, 1).execution(run("wf", 1), 0)
        .current(new CurrentExecution("ns", "other", "r9", true, "q"), null).build())
        .hasMessageContaining("does not belong");
    assertThatThrownBy(() -> ExecutionWrite.builder(1, 1)
        .current(new CurrentExecution("ns", "wf", "r2", true, "q"), "r1").currentMustBeAbsent().build())
        .hasMessageContaining("both expected and absent");
  }
}
