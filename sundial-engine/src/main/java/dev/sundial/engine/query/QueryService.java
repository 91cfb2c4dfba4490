package dev.sundial.engine.query;

import dev.sundial.engine.api.DeadlineExceededException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.QueryFailedException;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.api.WorkflowNotReadyException;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.EventPages;
import dev.sundial.engine.history.HistoryWatchers;
import dev.sundial.engine.history.RunStates;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueues;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.enums.v1.QueryResultType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.History;
import io.temporal.api.query.v1.QueryRejected;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workflow queries and sticky-queue resets. A query never touches the run's state: it is an
 * in-memory task offered through matching (to the run's sticky worker when one is polling, else to
 * the normal queue with the full history, so any worker can replay), answered by
 * RespondQueryTaskCompleted, and forgotten when answered or when the caller's time is up.
 */
public final class QueryService {
  private static final Logger log = LoggerFactory.getLogger(QueryService.class);

  /** A sticky queue counts as served when polled this recently. */
  static final long STICKY_POLLER_WINDOW_MILLIS = 10_000;
  /** A normal queue with no poll this recent has no worker: queries fail instead of waiting. */
  static final long POLLER_WINDOW_MILLIS = 20_000;
  /** How long a query on a queue nobody polls waits for a worker to show up before failing. */
  static final long NO_POLLER_GRACE_MILLIS = 2_000;
  /** Sticky schedule-to-start when the worker did not give one. */
  static final long DEFAULT_STICKY_TIMEOUT_MILLIS = 5_000;
  /** Workflow task attempts after which a query fails fast: the worker cannot replay the run. */
  static final int FAILING_TASK_ATTEMPTS = 3;

  private final QueryRegistry registry = new QueryRegistry();
  private final BiFunction<String, String, Shard> shardFor;
  private final RunStates states;
  private final EventPages history;
  private final HistoryWatchers watchers;
  private final Matching matching;
  private final TaskQueues queues;
  private final NamespaceRegistry namespaces;
  private final EngineContext.Limits limits;
  private final Clock clock;
  private final ExecutorService ioPool;
  private final ScheduledExecutorService scheduler;

  /**
   * Built from the run's shard, committed state and history, the history watchers (a query on a
   * run that has not started yet waits for it), local matching and the cluster's task queues.
   */
  public QueryService(
      BiFunction<String, String, Shard> shardFor, RunStates states, EventPages history,
      HistoryWatchers watchers, Matching matching, TaskQueues queues,
      NamespaceRegistry namespaces, EngineContext.Limits limits, Clock clock,
      ExecutorService ioPool, ScheduledExecutorService scheduler) {
    this.shardFor = shardFor;
    this.states = states;
    this.history = history;
    this.watchers = watchers;
    this.matching = matching;
    this.queues = queues;
    this.namespaces = namespaces;
    this.limits = limits;
    this.clock = clock;
    this.ioPool = ioPool;
    this.scheduler = scheduler;
  }

  /** Queries currently offered to workers (for tests and metrics). */
  public int pendingQueries() {
    return registry.size();
  }

  // ---------------------------------------------------------------- QueryWorkflow

  /**
   * Answers a query within {@code budgetMillis}: a rejection when the reject condition says so,
   * the worker's answer, or an error (query failed, workflow not ready, no worker, timed out).
   */
  public CompletableFuture<QueryWorkflowResponse> query(
      String namespaceId, QueryWorkflowRequest req, long budgetMillis) {
    Run run = new Run(namespaceId, req, System.currentTimeMillis() + Math.max(0, budgetMillis));
    run.schedule(
        () -> run.fail(new DeadlineExceededException("query timed out before a worker answered it")),
        budgetMillis);
    ioPool.execute(run::resolve);
    return run.result;
  }

  /** One QueryWorkflow call in progress. */
  private final class Run {
    final String namespaceId;
    final QueryWorkflowRequest req;
    final long deadline;
    final CompletableFuture<QueryWorkflowResponse> result = new CompletableFuture<>();
    final List<Future<?>> timers = new ArrayList<>();
    /** Pinned at the first read, so a run that continues as new is not swapped mid-query. */
    volatile String runId;
    volatile PendingQuery current;
    volatile TaskQueueKey normalQueue;
    volatile boolean pollersWatched;
    /**
     * The query goes out once a workflow task started after this event id has completed, so the
     * answer reflects every event the run had when the query arrived: the last completed task's
     * started id when a task was outstanding, or the running task's own started id when events
     * were buffered behind it; -1 when no task was outstanding; MIN_VALUE before the first read.
     */
    volatile long waitPast = Long.MIN_VALUE;

    Run(String namespaceId, QueryWorkflowRequest req, long deadline) {
      this.namespaceId = namespaceId;
      this.req = req;
      this.deadline = deadline;
      this.runId = req.getExecution().getRunId();
      result.whenComplete((r, e) -> cleanUp());
    }

    String workflowId() {
      return req.getExecution().getWorkflowId();
    }

    /** Reads the run and decides: reject, fail, wait for a workflow task, or dispatch. */
    void resolve() {
      try {
        if (result.isDone()) return;
        MutableState s = states.read(namespaceId, workflowId(), runId);
        runId = s.runId;
        normalQueue = new TaskQueueKey(namespaceId, s.taskQueue(), QueueTask.KIND_WORKFLOW);
        QueryWorkflowResponse rejected = rejection(s, req.getQueryRejectCondition());
        if (rejected != null) {
          result.complete(rejected);
          return;
        }
        if (!s.isRunning() && s.lastCompletedStartedEventId == 0) {
          throw new WorkflowNotReadyException(
              "Workflow execution closed before its first workflow task completed.");
        }
        if (s.isRunning()
            && s.workflowTask.isScheduled()
            && s.workflowTask.attempt >= FAILING_TASK_ATTEMPTS) {
          throw new WorkflowNotReadyException(
              "Unable to query workflow: its workflow task is failing (attempt "
                  + s.workflowTask.attempt + ").");
        }
        boolean outstanding = s.isRunning() && s.workflowTask.isScheduled();
        if (waitPast == Long.MIN_VALUE) {
          if (!outstanding) {
            waitPast = -1;
          } else if (s.workflowTask.isStarted() && !s.bufferedEvents.isEmpty()) {
            // Events arrived while this task runs: the task after it delivers them.
            waitPast = s.workflowTask.startedEventId;
          } else {
            waitPast = s.lastCompletedStartedEventId;
          }
        }
        if (s.lastCompletedStartedEventId == 0
            || (outstanding && s.lastCompletedStartedEventId <= waitPast)) {
          waitForWorkflowTask(s);
          return;
        }
        dispatch(s);
      } catch (Throwable t) {
        fail(t);
      }
    }

    /**
     * Waits for a workflow task to complete before the query goes out. The worker cannot answer
     * before it has run the workflow once (there is no workflow object to ask yet); and a task
     * outstanding when the query arrived carries events (a signal just sent, say) that the answer
     * must reflect, as Temporal's queries do. A workflow task that completes and hands straight
     * back its successor (a local activity heartbeat) unblocks the query too.
     */
    void waitForWorkflowTask(MutableState s) {
      if (s.lastCompletedStartedEventId == 0
          && !s.workflowTask.isScheduled()
          && s.executionTime - clock.millis() > deadline - System.currentTimeMillis()) {
        throw new WorkflowNotReadyException(
            "Workflow task is not scheduled yet: the first workflow task is due at "
                + Instant.ofEpochMilli(s.executionTime) + ".");
      }
      watchPollers();
      RunKey key = new RunKey(namespaceId, workflowId(), s.runId);
      CompletableFuture<Void> changed = watchers.watch(key);
      result.whenComplete((r, e) -> watchers.forget(key, changed));
      MutableState again = states.read(namespaceId, workflowId(), s.runId);
      if (again.dbVersion != s.dbVersion) {
        watchers.forget(key, changed);
        resolve();
        return;
      }
      changed.thenRunAsync(this::resolve, ioPool);
    }

    void dispatch(MutableState s) {
      if (!s.isRunning() || s.stickyQueue.isEmpty()) {
        offer(normalQueue);
        watchPollers();
        return;
      }
      TaskQueueKey sticky =
          new TaskQueueKey(namespaceId, s.stickyQueue, QueueTask.KIND_WORKFLOW);
      long now = System.currentTimeMillis();
      whenKnown(queues.hasRecentPoller(sticky, now - STICKY_POLLER_WINDOW_MILLIS), polled -> {
        if (!polled) {
          offer(normalQueue);
          watchPollers();
          return;
        }
        long stickyTimeout =
            s.stickyScheduleToStartMillis > 0
                ? s.stickyScheduleToStartMillis
                : DEFAULT_STICKY_TIMEOUT_MILLIS;
        PendingQuery p = offer(sticky);
        p.onQueueGone(() -> ioPool.execute(() -> stickyTimedOut(p)));
        schedule(() -> stickyTimedOut(p), stickyTimeout);
      });
    }

    /**
     * Goes on with whether a queue has pollers: at once when this node serves the queue, else when
     * its owner has answered. Nothing more happens once the query has its result.
     */
    void whenKnown(CompletableFuture<Boolean> polled, Consumer<Boolean> next) {
      Runnable step = () -> {
        if (result.isDone()) return;
        try {
          next.accept(polled.join());
        } catch (Throwable t) {
          fail(t);
        }
      };
      if (polled.isDone()) {
        step.run();
      } else {
        polled.whenCompleteAsync((b, e) -> step.run(), ioPool);
      }
    }

    /** Nobody on the sticky queue took the query in time: clear stickiness, use the normal queue. */
    void stickyTimedOut(PendingQuery p) {
      if (result.isDone() || !withdraw(p)) {
        return;
      }
      resetStickyTaskQueue(namespaceId, workflowId(), runId)
          .whenComplete(
              (ok, err) -> {
                if (err != null) {
                  log.debug("could not clear stickiness of {}: {}", workflowId(), err.toString());
                }
              });
      ioPool.execute(
          () -> {
            if (!result.isDone()) {
              offer(normalQueue);
              watchPollers();
            }
          });
    }

    PendingQuery offer(TaskQueueKey queue) {
      PendingQuery p =
          registry.register(namespaceId, queue.name(), workflowId(), runId, req.getQuery());
      current = p;
      p.answer().whenComplete((answer, err) -> answered(answer, err));
      if (result.isDone()) {
        registry.remove(p.id());
        return p;
      }
      queues.offer(p.task());
      return p;
    }

    boolean withdraw(PendingQuery p) {
      if (!p.withdraw()) return false;
      registry.remove(p.id());
      matching.removeIf(p.queue(), t -> t.taskId() == p.id());
      return true;
    }

    /**
     * Fails the query when the normal queue has no worker: checked soon when nobody has polled it
     * recently (a worker that is starting gets a short grace), and again just before the deadline.
     */
    void watchPollers() {
      if (pollersWatched) return;
      pollersWatched = true;
      long now = System.currentTimeMillis();
      long remaining = deadline - now;
      whenKnown(queues.hasRecentPoller(normalQueue, now - POLLER_WINDOW_MILLIS), polled -> {
        if (!polled) {
          schedule(this::checkPollers,
              Math.min(NO_POLLER_GRACE_MILLIS, Math.max(0, remaining - 1000)));
        }
      });
      if (remaining > 1000 + NO_POLLER_GRACE_MILLIS) {
        schedule(this::checkPollers, remaining - 1000);
      }
    }

    void checkPollers() {
      if (isTaken()) {
        return;
      }
      whenKnown(
          queues.hasRecentPoller(normalQueue, System.currentTimeMillis() - POLLER_WINDOW_MILLIS),
          polled -> {
            if (!polled && !isTaken()) {
              fail(
                  new EngineException(
                      EngineException.Code.FAILED_PRECONDITION,
                      "No worker has polled task queue \"" + normalQueue.name()
                          + "\" recently; the worker may be down, so the query cannot be answered."));
            }
          });
    }

    private boolean isTaken() {
      PendingQuery p = current;
      return result.isDone() || (p != null && p.isTaken());
    }

    void answered(RespondQueryTaskCompletedRequest answer, Throwable err) {
      if (err != null) {
        fail(err);
        return;
      }
      switch (answer.getCompletedType()) {
        case QUERY_RESULT_TYPE_ANSWERED -> {
          QueryWorkflowResponse.Builder b = QueryWorkflowResponse.newBuilder();
          if (answer.hasQueryResult()) b.setQueryResult(answer.getQueryResult());
          result.complete(b.build());
        }
        case QUERY_RESULT_TYPE_FAILED ->
            fail(
                new QueryFailedException(
                    answer.getErrorMessage(), answer.hasFailure() ? answer.getFailure() : null));
        default ->
            fail(
                new EngineException(
                    EngineException.Code.INTERNAL,
                    "the worker answered the query with an unknown completed type "
                        + answer.getCompletedType()));
      }
    }

    void fail(Throwable t) {
      result.completeExceptionally(t);
    }

    void schedule(Runnable r, long delayMillis) {
      if (result.isDone()) return;
      Future<?> f = scheduler.schedule(r, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
      synchronized (timers) {
        timers.add(f);
      }
      if (result.isDone()) f.cancel(false);
    }

    void cleanUp() {
      synchronized (timers) {
        timers.forEach(f -> f.cancel(false));
        timers.clear();
      }
      PendingQuery p = current;
      if (p != null) {
        registry.remove(p.id());
        if (!p.isTaken()) {
          matching.removeIf(p.queue(), t -> t.taskId() == p.id());
        }
      }
    }
  }

  /** Temporal's QueryRejectCondition: NOT_OPEN rejects a closed run, NOT_COMPLETED_CLEANLY one that did not complete. */
  static QueryWorkflowResponse rejection(MutableState s, QueryRejectCondition condition) {
    if (s.isRunning()) return null;
    boolean reject =
        switch (condition) {
          case QUERY_REJECT_CONDITION_NOT_OPEN -> true;
          case QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY ->
              s.status
                  != WorkflowExecutionStatus
                      .WORKFLOW_EXECUTION_STATUS_COMPLETED;
          default -> false;
        };
    if (!reject) return null;
    return QueryWorkflowResponse.newBuilder()
        .setQueryRejected(QueryRejected.newBuilder().setStatus(s.status))
        .build();
  }

  // ---------------------------------------------------------------- the worker side

  /**
   * A workflow-task poller matched a query task: build the legacy query task for it. The sticky
   * worker gets no history (its cache has the run; on a cache miss the SDK reads the history
   * itself), any other worker the whole history to replay. A stale task (answered, withdrawn,
   * expired) fails with {@link StaleTaskException} so the poll goes on.
   */
  public CompletableFuture<PollWorkflowTaskQueueResponse> startQueryTask(
      QueueTask task, PollCancellation cancel) {
    PendingQuery p = registry.get(task.taskId());
    if (p == null || !p.take()) {
      return CompletableFuture.failedFuture(new StaleTaskException());
    }
    return CompletableFuture.supplyAsync(
        () -> {
          PollWorkflowTaskQueueResponse r;
          try {
            r = queryTaskResponse(p);
          } catch (Throwable t) {
            // The run cannot be read: the caller hears why; this poll goes on.
            p.answer().completeExceptionally(t);
            throw new StaleTaskException();
          }
          if (cancel.isCancelled()) {
            // The poller went away: the query goes back to its queue for the next one.
            if (p.untake() && registry.get(p.id()) != null) {
              queues.offer(task);
            }
            throw new StaleTaskException();
          }
          return r;
        },
        ioPool);
  }

  private PollWorkflowTaskQueueResponse queryTaskResponse(PendingQuery p) {
    MutableState s = states.read(p.namespaceId(), p.workflowId(), p.runId());
    boolean sticky = s.isRunning() && p.task().taskQueue().equals(s.stickyQueue);
    TaskToken token =
        new TaskToken(TaskToken.QUERY, p.namespaceId(), p.workflowId(), p.runId(), p.id(), 1, "");
    PollWorkflowTaskQueueResponse.Builder b =
        PollWorkflowTaskQueueResponse.newBuilder()
            .setTaskToken(token.encode())
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(s.workflowId).setRunId(s.runId))
            .setWorkflowType(s.started.getWorkflowType())
            .setPreviousStartedEventId(s.lastCompletedStartedEventId)
            .setAttempt(1)
            .setWorkflowExecutionTaskQueue(s.started.getTaskQueue())
            .setQuery(p.query());
    if (sticky) {
      b.setHistory(History.getDefaultInstance());
    } else {
      EventPages.Page page =
          history.page(
              p.namespaceId(), p.runId(), 1, s.nextEventId - 1,
              EventPages.WORKFLOW_TASK_PAGE_EVENTS);
      b.setHistory(History.newBuilder().addAllEvents(page.events()));
      b.setNextPageToken(page.nextPageToken());
    }
    return b.build();
  }

  /** RespondQueryTaskCompleted: hands the worker's answer to the waiting QueryWorkflow call. */
  public CompletableFuture<Void> respondQueryTaskCompleted(RespondQueryTaskCompletedRequest req) {
    TaskToken t = TaskToken.decode(req.getTaskToken(), TaskToken.QUERY);
    namespaces.byId(t.namespaceId());
    PendingQuery p = registry.remove(t.scheduledEventId());
    if (p == null
        || !p.workflowId().equals(t.workflowId())
        || !p.runId().equals(t.runId())) {
      throw EngineException.notFound("Query task not found, or it already expired.");
    }
    RespondQueryTaskCompletedRequest answer = req;
    int limit = limits.maxPayloadBytes();
    if (req.getQueryResult().getSerializedSize() > limit) {
      answer =
          RespondQueryTaskCompletedRequest.newBuilder()
              .setTaskToken(req.getTaskToken())
              .setCompletedType(QueryResultType.QUERY_RESULT_TYPE_FAILED)
              .setErrorMessage(
                  "Query result size " + req.getQueryResult().getSerializedSize()
                      + " exceeds the limit of " + limit + " bytes.")
              .build();
    }
    p.answer().complete(answer);
    return CompletableFuture.completedFuture(null);
  }

  // ---------------------------------------------------------------- ResetStickyTaskQueue

  /**
   * Clears the run's sticky queue so its next workflow task (and query) goes to the normal queue.
   * A task already dispatched to the sticky queue stays there until its schedule-to-start timeout
   * moves it.
   */
  public CompletableFuture<Void> resetStickyTaskQueue(
      String namespaceId, String workflowId, String runId) {
    return shardFor
        .apply(namespaceId, workflowId)
        .execute(
            txn -> {
              MutableState s = txn.resolveRunning(namespaceId, workflowId, runId);
              if (!s.stickyQueue.isEmpty() || s.stickyScheduleToStartMillis != 0) {
                s.stickyQueue = "";
                s.stickyScheduleToStartMillis = 0;
                s.dirty = true;
              }
              return null;
            });
  }

  /**
   * A worker shut down: its sticky queue has no poller any more. New queries skip it, and queries
   * waiting on it move to the normal queue now instead of after the sticky timeout.
   */
  public void stickyQueueShutDown(String namespaceId, String stickyQueue) {
    if (stickyQueue != null && !stickyQueue.isEmpty()) {
      TaskQueueKey key = new TaskQueueKey(namespaceId, stickyQueue, QueueTask.KIND_WORKFLOW);
      matching.forgetPollers(key);
      registry.onQueue(key).forEach(PendingQuery::queueGone);
    }
  }
}
