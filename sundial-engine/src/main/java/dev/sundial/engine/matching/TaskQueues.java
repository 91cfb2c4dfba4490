package dev.sundial.engine.matching;

import dev.sundial.persistence.QueueTask;
import java.util.concurrent.CompletableFuture;

/** The task queues of the whole cluster: each call goes to the node that serves the queue. */
public interface TaskQueues {
  /** Hands a task to its queue's matching partition (best effort on another node). */
  void offer(QueueTask task);

  /** Whether a worker polls the queue now or polled it since the given time. */
  CompletableFuture<Boolean> hasRecentPoller(TaskQueueKey key, long sinceMillis);

  /** True when this node serves the queue's matching partition (always on a single node). */
  boolean servesHere(TaskQueueKey key);
}
