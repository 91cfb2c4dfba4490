package dev.sundial.engine.query;

import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One offer of a query to one task queue: an in-memory task (never persisted, never in history)
 * that exactly one poller can take. It travels through matching as a {@link QueueTask} with a
 * negative task id; the id leads back here. The worker's answer completes {@link #answer()}.
 */
public final class PendingQuery {
  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int WITHDRAWN = 2;

  private final QueueTask task;
  private final WorkflowQuery query;
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private final CompletableFuture<RespondQueryTaskCompletedRequest> answer =
      new CompletableFuture<>();
  /** What to do when the queue loses its worker before anyone took the query (may be null). */
  private volatile Runnable onQueueGone;

  PendingQuery(
      long id, String namespaceId, String taskQueue, String workflowId, String runId,
      WorkflowQuery query) {
    this.task =
        new QueueTask(
            id, namespaceId, taskQueue, QueueTask.KIND_WORKFLOW, workflowId, runId, 0, new byte[0]);
    this.query = query;
  }

  public long id() {
    return task.taskId();
  }

  /** The matching entry that carries this query to a poller. */
  public QueueTask task() {
    return task;
  }

  public TaskQueueKey queue() {
    return new TaskQueueKey(task.namespaceId(), task.taskQueue(), task.kind());
  }

  public WorkflowQuery query() {
    return query;
  }

  public String namespaceId() {
    return task.namespaceId();
  }

  public String workflowId() {
    return task.workflowId();
  }

  public String runId() {
    return task.runId();
  }

  /** A poller takes the task; false when another took it or it was withdrawn. */
  public boolean take() {
    return state.compareAndSet(QUEUED, TAKEN);
  }

  /** The poller that took it went away before the worker saw it: offer it again. */
  public boolean untake() {
    return state.compareAndSet(TAKEN, QUEUED);
  }

  /** Withdraws a task nobody has taken (its queue timed out); false when already taken. */
  public boolean withdraw() {
    return state.compareAndSet(QUEUED, WITHDRAWN);
  }

  public boolean isTaken() {
    return state.get() == TAKEN;
  }

  public void onQueueGone(Runnable r) {
    this.onQueueGone = r;
  }

  /** The queue's worker shut down: runs the hook (the query is offered elsewhere). */
  public void queueGone() {
    Runnable r = onQueueGone;
    if (r != null && state.get() == QUEUED) {
      r.run();
    }
  }

  /** Completed with the worker's RespondQueryTaskCompleted. */
  public CompletableFuture<RespondQueryTaskCompletedRequest> answer() {
    return answer;
  }
}
