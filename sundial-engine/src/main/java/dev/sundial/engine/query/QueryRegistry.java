package dev.sundial.engine.query;

import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.query.v1.WorkflowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queries offered to workers and not yet answered or expired. Query task ids are negative so
 * they never collide with durable backlog ids, and matching can carry them as ordinary entries.
 */
public final class QueryRegistry {
  private final AtomicLong lastId = new AtomicLong();
  private final Map<Long, PendingQuery> pending = new ConcurrentHashMap<>();

  /** Whether a matched task is an in-memory query task rather than a durable backlog entry. */
  public static boolean isQueryTask(QueueTask task) {
    return task.taskId() < 0;
  }

  public PendingQuery register(
      String namespaceId, String taskQueue, String workflowId, String runId, WorkflowQuery query) {
    long id = lastId.decrementAndGet();
    PendingQuery q = new PendingQuery(id, namespaceId, taskQueue, workflowId, runId, query);
    pending.put(id, q);
    return q;
  }

  /** The pending query with this id, or null when it was answered, withdrawn or expired. */
  public PendingQuery get(long id) {
    return pending.get(id);
  }

  /** Forgets the query; returns it, or null when it was already gone. */
  public PendingQuery remove(long id) {
    return pending.remove(id);
  }

  /** The pending queries offered on a queue. */
  public List<PendingQuery> onQueue(TaskQueueKey queue) {
    List<PendingQuery> found = new ArrayList<>();
    for (PendingQuery q : pending.values()) {
      if (q.queue().equals(queue)) found.add(q);
    }
    return found;
  }

  public int size() {
    return pending.size();
  }
}
