package dev.sundial.engine.matching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Priority;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogTest {
  private long ids;

  private QueueTask task(String name, Priority p) {
    return new QueueTask(++ids, "ns", "q", QueueTask.KIND_WORKFLOW, name, "run", 1,
        p == null ? new byte[] {3} : TaskPriority.payload(p));
  }

  private static Priority key(int k) {
    return Priority.newBuilder().setPriorityKey(k).build();
  }

  private static Priority fair(String key, float weight) {
    return Priority.newBuilder().setFairnessKey(key).setFairnessWeight(weight).build();
  }

  private static List<String> drain(Backlog b) {
    List<String> order = new ArrayList<>();
    for (Backlog.Next n = b.poll(); n != null; n = b.poll()) {
      order.add(n.task().workflowId());
    }
    return order;
  }

  @Test
  void lowerPriorityKeysGoFirstAndUnsetIsTheMiddleLevel() {
    Backlog b = new Backlog();
    b.add(task("five", key(5)), 1);
    b.add(task("unset", null), 2);
    b.add(task("one", key(1)), 3);
    b.add(task("three", key(3)), 4);
    b.add(task("zero", key(0)), 5);
    b.add(task("nine", key(9)), 6);
    b.add(task("two", key(2)), 7);
    assertThat(b.size()).isEqualTo(7);
    assertThat(b.oldest().workflowId()).isEqualTo("five");
    // Same level: first in, first out; keys past the last level count as the last.
    assertThat(drain(b)).containsExactly("one", "two", "unset", "three", "zero", "five", "nine");
    assertThat(b.size()).isZero();
  }

  @Test
  void fairnessKeysShareALevelInProportionToTheirWeights() {
    Backlog b = new Backlog();
    for (int i = 0; i < 6; i++) b.add(task("a" + i, fair("a", 1)), i);
    for (int i = 0; i < 3; i++) b.add(task("b" + i, fair("b", 1)), 10 + i);
    assertThat(drain(b)).containsExactly("a0", "b0", "a1", "b1", "a2", "b2", "a3", "a4", "a5");

    for (int i = 0; i < 4; i++) b.add(task("heavy" + i, fair("heavy", 2)), i);
    for (int i = 0; i < 4; i++) b.add(task("light" + i, fair("light", 1)), i);
    // Twice the weight, twice the share while both wait.
    assertThat(drain(b).subList(0, 6))
        .containsExactly("heavy0", "light0", "heavy1", "heavy2", "light1", "heavy3");
  }

  @Test
  void removedTasksLeaveTheOrderOfTheRest() {
    Backlog b = new Backlog();
    b.add(task("x", key(4)), 1);
    b.add(task("y", key(2)), 2);
    b.add(task("z", key(2)), 3);
    assertThat(b.removeIf(t -> t.workflowId().equals("y"))).hasSize(1);
    assertThat(drain(b)).containsExactly("z", "x");
  }
}
