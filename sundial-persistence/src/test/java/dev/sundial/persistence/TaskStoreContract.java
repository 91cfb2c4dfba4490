package dev.sundial.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store contract, part TaskStore: The outbox: timers in fire order, queue tasks in id order, task ids that never go back.
 */
public interface TaskStoreContract extends StoreContractSupport {
  // ---- outbox

  @Test
  default void timersLoadInFireOrderAndCanBeDeleted() {
    ok(write().timers(timer(5, 300), timer(4, 100), timer(2, 200), timer(3, 100)).build());
    assertThat(store().loadTimers(Long.MAX_VALUE, 10)).extracting(TimerTask::taskId)
        .containsExactly(3L, 4L, 2L, 5L);
    assertThat(store().loadTimers(200, 10)).extracting(TimerTask::taskId).containsExactly(3L, 4L);
    assertThat(store().loadTimers(Long.MAX_VALUE, 3)).extracting(TimerTask::taskId)
        .containsExactly(3L, 4L, 2L);
    assertThat(store().loadTimers(Long.MAX_VALUE, 10).get(0))
        .usingRecursiveComparison().isEqualTo(timer(3, 100));

    ok(ExecutionWrite.deletions(SHARD, range(), List.of(4L, 999L), List.of(12345L)));
    assertThat(store().loadTimers(Long.MAX_VALUE, 10)).extracting(TimerTask::taskId)
        .containsExactly(3L, 2L, 5L);
  }

  @Test
  default void queueTasksLoadInIdOrderAndCanBeDeleted() {
    ok(write().queueTasks(queueTask(7), queueTask(3), queueTask(5), queueTask(9)).build());
    assertThat(store().loadQueueTasks(0, 10)).extracting(QueueTask::taskId)
        .containsExactly(3L, 5L, 7L, 9L);
    assertThat(store().loadQueueTasks(5, 1)).extracting(QueueTask::taskId).containsExactly(7L);
    assertThat(store().loadQueueTasks(0, 10).get(0))
        .usingRecursiveComparison().isEqualTo(queueTask(3));
    ok(write().deleteQueueTasks(5L, 999L).build());
    assertThat(store().loadQueueTasks(0, 10)).extracting(QueueTask::taskId)
        .containsExactly(3L, 7L, 9L);
  }

  @Test
  default void maxTaskIdCoversBothTablesAndReservationsAndNeverGoesBack() {
    assertThat(store().maxTaskId()).isZero();
    ok(write().timers(timer(40, 1)).queueTasks(queueTask(25)).build());
    assertThat(store().maxTaskId()).isEqualTo(40);
    // Ids come from reservations; a reservation starts above every committed id.
    long first = store().reserveTaskIds(40);
    assertThat(first).isEqualTo(41);
    assertThat(store().maxTaskId()).isEqualTo(80);
    ok(write().queueTasks(queueTask(70)).build());
    ok(ExecutionWrite.deletions(SHARD, range(), List.of(40L), List.of(25L, 70L)));
    assertThat(store().maxTaskId()).isEqualTo(80); // ids must not be reused after deletion
    assertThat(store().reserveTaskIds(1)).isEqualTo(81);
  }
}
