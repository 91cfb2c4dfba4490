package dev.sundial.engine.worker;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.EventPages;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.command.CompleteWorkflowTask;
import dev.sundial.engine.history.reset.Resetter;
import dev.sundial.engine.history.update.UpdateCompletion;
import dev.sundial.engine.history.update.UpdateRegistry;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueueStats;
import dev.sundial.engine.query.QueryRegistry;
import dev.sundial.engine.query.QueryService;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskEvents;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskFailedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;

/**
 * The workflow task RPCs: poll, start (here, on the run's shard), complete and fail, with eager
 * workflow start and the next task or eager activities handed back in a completion's response.
 */
public final class WorkflowTaskService {
  private final BiFunction<String, String, Shard> shardFor;
  private final RunRouter router;
  private final TaskPoller poller;
  private final QueryService queries;
  private final UpdateRegistry updates;
  private final EngineContext ctx;
  private final EventPages history;
  private final ExecutorService ioPool;

  public WorkflowTaskService(
      BiFunction<String, String, Shard> shardFor, RunRouter router, TaskPoller poller,
      QueryService queries, UpdateRegistry updates, EngineContext ctx, EventPages history, ExecutorService ioPool) {
    this.shardFor = shardFor;
    this.router = router;
    this.poller = poller;
    this.queries = queries;
    this.updates = updates;
    this.ctx = ctx;
    this.history = history;
    this.ioPool = ioPool;
  }

  public CompletableFuture<PollWorkflowTaskQueueResponse> pollWorkflowTask(
      String namespaceId, PollWorkflowTaskQueueRequest req, long timeoutMillis, PollCancellation cancel) {
    TaskQueueKey key =
        new TaskQueueKey(namespaceId, req.getTaskQueue().getName(), QueueTask.KIND_WORKFLOW);
    if (req.getTaskQueue().getKind() == TaskQueueKind.TASK_QUEUE_KIND_STICKY) {
      poller.markSticky(key);
    }
    String requestId = UUID.randomUUID().toString();
    return poller.poll(
        key, TaskQueueStats.poller(req), req.getWorkerInstanceKey(), timeoutMillis, cancel,
        PollWorkflowTaskQueueResponse.getDefaultInstance(),
        task -> router.run(task.namespaceId(), task.workflowId())
            .startWorkflowTask(namespaceId, task, req, requestId, cancel));
  }

  /** Records a matched workflow (or query) task started on its run's shard, here. */
  public CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask task, PollWorkflowTaskQueueRequest req, String requestId,
      PollCancellation cancel) {
    if (QueryRegistry.isQueryTask(task)) {
      return queries.startQueryTask(task, cancel);
    }
    return shardFor
        .apply(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null) throw new StaleTaskException();
              if (UpdateCompletion.dropIdleSpeculative(
                  updates, txn, s, task.scheduledEventId(), task.taskId())) {
                return null; // a speculative task left with no update to deliver
              }
              WorkflowTasks.Started st =
                  WorkflowTasks.recordStarted(
                      txn, s, task, req.getIdentity(), requestId, ctx.limits);
              return workflowTaskResponse(s, st);
            })
        .thenComposeAsync(
            b ->
                b == null
                    ? CompletableFuture.<PollWorkflowTaskQueueResponse>failedFuture(
                        new StaleTaskException())
                    : withHistory(namespaceId, b),
            ioPool);
  }

  private PollWorkflowTaskQueueResponse.Builder workflowTaskResponse(
      MutableState s, WorkflowTasks.Started st) {
    TaskToken token =
        new TaskToken(
            TaskToken.WORKFLOW, s.namespaceId, s.workflowId, s.runId, st.scheduledEventId(),
            st.attempt(), UpdateCompletion.tokenTag(s));
    return PollWorkflowTaskQueueResponse.newBuilder()
        .setTaskToken(token.encode())
        .setWorkflowExecution(TaskPoller.execution(s))
        .setWorkflowType(s.started.getWorkflowType())
        .setPreviousStartedEventId(st.previousStartedEventId())
        .setStartedEventId(st.startedEventId())
        .setAttempt(st.attempt())
        .setWorkflowExecutionTaskQueue(s.started.getTaskQueue())
        .setScheduledTime(MutableState.timestamp(st.scheduledTime()))
        .setStartedTime(MutableState.timestamp(st.startedTime()))
        // Workflow updates waiting for this task (they follow all of its events).
        .addAllMessages(updates.send(s, st.startedEventId()))
        // Sticky polls get only what the worker's cache has not seen. The first event is only a
        // marker of where to start reading; a transient task's own events follow it.
        .setHistory(transientEvents(s, st).addEvents(0,
            HistoryEvent.newBuilder()
                .setEventId(st.sticky() && st.previousStartedEventId() > 0
                    ? st.previousStartedEventId() + 1 : 1).build()));
  }

  /** The not-yet-written Scheduled/Started events of a transient task, for its worker. */
  private static History.Builder transientEvents(MutableState s, WorkflowTasks.Started st) {
    History.Builder h = History.newBuilder();
    if (st.transientTask()) {
      h.addEvents(
          WorkflowTaskEvents.scheduled(s)
              .setEventId(st.scheduledEventId())
              .setEventTime(MutableState.timestamp(st.scheduledTime())));
      h.addEvents(
          WorkflowTaskEvents.started(s)
              .setEventId(st.startedEventId())
              .setEventTime(MutableState.timestamp(st.startedTime())));
    }
    return h;
  }

  /**
   * Eager workflow start: when the starting client asked for it (its SDK reserved a slot on a
   * worker of the workflow's task queue), the new run's first workflow task is started in the
   * start's own write and handed back with the start response: no queue, no poll, no extra write.
   * Returns null when the run has no workflow task to start now (a start delay, a cron backoff).
   */
  public PollWorkflowTaskQueueResponse.Builder startFirstTaskEagerly(
      ShardTxn txn, String namespaceId, String workflowId, String runId,
      String identity) {
    MutableState s = txn.load(namespaceId, workflowId, runId);
    if (s == null || !s.isRunning()) return null;
    var wt = s.workflowTask;
    if (!wt.isScheduled() || wt.isStarted() || wt.queueTaskId == 0) return null;
    QueueTask task = txn.takeBackQueueTask(wt.queueTaskId);
    if (task == null) return null;
    WorkflowTasks.Started st =
        WorkflowTasks.recordStarted(
            txn, s, task, identity, UUID.randomUUID().toString(), ctx.limits);
    return workflowTaskResponse(s, st);
  }

  /** Fills the history of a workflow task response (read after the start was committed). */
  public CompletableFuture<PollWorkflowTaskQueueResponse> withHistory(
      String namespaceId, PollWorkflowTaskQueueResponse.Builder b) {
    long from = b.getHistory().getEvents(0).getEventId();
    var extra = b.getHistory().getEventsList().subList(1, b.getHistory().getEventsCount());
    long to = extra.isEmpty() ? b.getStartedEventId() : extra.get(0).getEventId() - 1;
    // A transient task's events exist only here, so its history is not split into pages.
    EventPages.Page page =
        history.page(
            namespaceId, b.getWorkflowExecution().getRunId(), from, to,
            extra.isEmpty() ? EventPages.WORKFLOW_TASK_PAGE_EVENTS : ctx.limits.maxHistoryEvents());
    b.setHistory(History.newBuilder().addAllEvents(page.events()).addAllEvents(extra));
    b.setNextPageToken(page.nextPageToken());
    return CompletableFuture.completedFuture(b.build());
  }

  /** What completing a workflow task produced: the next task to hand back, or a rejection. */
  private record Completion(
      PollWorkflowTaskQueueResponse.Builder next, String rejection, long resetHistoryEventId,
      List<PollActivityTaskQueueResponse> eagerActivities) {}

  public CompletableFuture<RespondWorkflowTaskCompletedResponse> completeWorkflowTask(
      RespondWorkflowTaskCompletedRequest req) {
    TaskToken t = TaskToken.decode(req.getTaskToken(), TaskToken.WORKFLOW);
    return onRun(
        t,
        (txn, s) -> {
          WorkflowTasks.checkToken(s, t.scheduledEventId(), t.attempt());
          UpdateCompletion.checkToken(s, t.activityId());
          // A speculative task that only rejected updates leaves no trace (worker rolls back).
          long reset = UpdateCompletion.discardSpeculative(ctx, updates, txn, s, req);
          String rejected = reset != 0 ? null : CompleteWorkflowTask.apply(ctx, updates, txn, s, req);
          if (rejected != null) {
            return new Completion(null, rejected, 0, List.of());
          }
          var eager = startEagerActivities(txn, s, req);
          var wt = s.workflowTask;
          if (req.getReturnNewWorkflowTask() && wt.isScheduled() && !wt.isStarted()) {
            // Hand the next task straight back instead of through the queue.
            QueueTask next = txn.takeBackQueueTask(wt.queueTaskId);
            if (next != null) {
              WorkflowTasks.Started st =
                  WorkflowTasks.recordStarted(
                      txn, s, next, req.getIdentity(), UUID.randomUUID().toString(),
                      ctx.limits);
              PollWorkflowTaskQueueResponse.Builder b = workflowTaskResponse(s, st);
              b.getHistoryBuilder().getEventsBuilder(0)
                  .setEventId(Math.max(1, st.previousStartedEventId() + 1));
              return new Completion(b, null, reset, eager);
            }
          }
          return new Completion(null, null, reset, eager);
        })
        .thenComposeAsync(
            c ->
                c.rejection() != null
                    // The failed task is recorded; now tell the worker why.
                    ? CompletableFuture.failedFuture(EngineException.invalidArgument(c.rejection()))
                    : c.next() == null
                    ? CompletableFuture.completedFuture(
                        RespondWorkflowTaskCompletedResponse.newBuilder()
                            .setResetHistoryEventId(c.resetHistoryEventId())
                            .addAllActivityTasks(c.eagerActivities())
                            .build())
                    : withHistory(t.namespaceId(), c.next())
                        .thenApply(
                            task ->
                                RespondWorkflowTaskCompletedResponse.newBuilder()
                                    .setWorkflowTask(task)
                                    .setResetHistoryEventId(c.resetHistoryEventId())
                                    .addAllActivityTasks(c.eagerActivities())
                                    .build()),
            ioPool);
  }

  /**
   * Eager activity execution: activities the worker asked to run itself (it reserved a slot for
   * each, on the workflow's own task queue) start in the same write as the workflow task's
   * completion and go back in its response, skipping the queue, a poll and a write.
   */
  private List<PollActivityTaskQueueResponse> startEagerActivities(
      ShardTxn txn, MutableState s, RespondWorkflowTaskCompletedRequest req) {
    List<PollActivityTaskQueueResponse> started = new ArrayList<>();
    if (!s.isRunning()) {
      return started;
    }
    for (var command : req.getCommandsList()) {
      if (command.getCommandType()
              != CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK
          || !command.getScheduleActivityTaskCommandAttributes().getRequestEagerExecution()) {
        continue;
      }
      ActivityInfo a =
          s.activityById(command.getScheduleActivityTaskCommandAttributes().getActivityId());
      if (a == null || a.isStarted() || a.queueTaskId == 0
          || !a.scheduled.getTaskQueue().getName().equals(s.taskQueue())) {
        continue;
      }
      QueueTask task = txn.takeBackQueueTask(a.queueTaskId);
      if (task == null) {
        continue;
      }
      started.add(ActivityTaskService.response(
          ctx.namespaces, s, Activities.recordStarted(txn, s, task, req.getIdentity(), UUID.randomUUID().toString())));
    }
    return started;
  }

  public CompletableFuture<Void> failWorkflowTask(RespondWorkflowTaskFailedRequest req) {
    TaskToken t = TaskToken.decode(req.getTaskToken(), TaskToken.WORKFLOW);
    return onRun(
        t,
        (txn, s) -> {
          WorkflowTasks.checkToken(s, t.scheduledEventId(), t.attempt());
          UpdateCompletion.checkToken(s, t.activityId());
          if (req.getCause() == WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_GRPC_MESSAGE_TOO_LARGE) {
            // The worker's completion was over the message limit and would be again on every
            // retry: Temporal terminates the workflow instead of failing the task.
            WorkflowClose.terminate(
                txn, s, "GrpcMessageTooLarge", null, Resetter.HISTORY_SERVICE);
            return null;
          }
          WorkflowTasks.fail(
              txn, s, req.getCause(), req.hasFailure() ? req.getFailure() : null, req.getIdentity());
          return null;
        });
  }

  private <R> CompletableFuture<R> onRun(
      TaskToken t, BiFunction<ShardTxn, MutableState, R> op) {
    ctx.namespaces.byId(t.namespaceId());
    return shardFor
        .apply(t.namespaceId(), t.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(t.namespaceId(), t.workflowId(), t.runId());
              if (s == null) {
                throw EngineException.notFound("Workflow execution not found for task token.");
              }
              return op.apply(txn, s);
            });
  }

}
