package dev.sundial.engine;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.command.CompleteWorkflowTask;
import dev.sundial.engine.history.update.UpdateCompletion;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueueStats;
import dev.sundial.engine.query.QueryRegistry;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskEvents;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Worker-facing operations: long polls and task responses. */
public final class TaskOps {
  private static final Logger log = LoggerFactory.getLogger(TaskOps.class);
  private final Engine engine;

  TaskOps(Engine engine) {
    this.engine = engine;
  }

  // ---------------------------------------------------------------- workflow tasks

  public CompletableFuture<PollWorkflowTaskQueueResponse> pollWorkflowTask(
      String namespaceId, PollWorkflowTaskQueueRequest req, long timeoutMillis, PollCancellation cancel) {
    TaskQueueKey key =
        new TaskQueueKey(namespaceId, req.getTaskQueue().getName(), QueueTask.KIND_WORKFLOW);
    engine.matching.recordPoller(key, TaskQueueStats.poller(req));
    String requestId = UUID.randomUUID().toString();
    return poll(
        key, req.getIdentity(), timeoutMillis, cancel,
        PollWorkflowTaskQueueResponse.getDefaultInstance(),
        task -> engine.run(task.namespaceId(), task.workflowId())
            .startWorkflowTask(namespaceId, task, req, requestId, cancel));
  }

  /** Records a matched workflow (or query) task started on its run's shard, here. */
  public CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask task, PollWorkflowTaskQueueRequest req, String requestId,
      PollCancellation cancel) {
    if (QueryRegistry.isQueryTask(task)) {
      return engine.queries.startQueryTask(task, cancel);
    }
    return engine
        .shardFor(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null) throw new StaleTaskException();
              if (UpdateCompletion.dropIdleSpeculative(
                  engine.updateRegistry, txn, s, task.scheduledEventId(), task.taskId())) {
                return null; // a speculative task left with no update to deliver
              }
              WorkflowTasks.Started st =
                  WorkflowTasks.recordStarted(
                      txn, s, task, req.getIdentity(), requestId, engine.ctx.limits);
              return workflowTaskResponse(s, st);
            })
        .thenComposeAsync(
            b ->
                b == null
                    ? CompletableFuture.<PollWorkflowTaskQueueResponse>failedFuture(
                        new StaleTaskException())
                    : withHistory(namespaceId, b),
            engine.ioPool);
  }

  private PollWorkflowTaskQueueResponse.Builder workflowTaskResponse(
      MutableState s, WorkflowTasks.Started st) {
    TaskToken token =
        new TaskToken(
            TaskToken.WORKFLOW, s.namespaceId, s.workflowId, s.runId, st.scheduledEventId(),
            st.attempt(), UpdateCompletion.tokenTag(s));
    return PollWorkflowTaskQueueResponse.newBuilder()
        .setTaskToken(token.encode())
        .setWorkflowExecution(execution(s))
        .setWorkflowType(s.started.getWorkflowType())
        .setPreviousStartedEventId(st.previousStartedEventId())
        .setStartedEventId(st.startedEventId())
        .setAttempt(st.attempt())
        .setWorkflowExecutionTaskQueue(s.started.getTaskQueue())
        .setScheduledTime(MutableState.timestamp(st.scheduledTime()))
        .setStartedTime(MutableState.timestamp(st.startedTime()))
        // Workflow updates waiting for this task (they follow all of its events).
        .addAllMessages(engine.updateRegistry.send(s, st.startedEventId()))
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
  PollWorkflowTaskQueueResponse.Builder startFirstTaskEagerly(
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
            txn, s, task, identity, UUID.randomUUID().toString(), engine.ctx.limits);
    return workflowTaskResponse(s, st);
  }

  /** Fills the history of a workflow task response (read after the start was committed). */
  CompletableFuture<PollWorkflowTaskQueueResponse> withHistory(
      String namespaceId, PollWorkflowTaskQueueResponse.Builder b) {
    long from = b.getHistory().getEvents(0).getEventId();
    var extra = b.getHistory().getEventsList().subList(1, b.getHistory().getEventsCount());
    long to = extra.isEmpty() ? b.getStartedEventId() : extra.get(0).getEventId() - 1;
    // A transient task's events exist only here, so its history is not split into pages.
    HistoryReads.Page page =
        engine.history.readPage(
            namespaceId, b.getWorkflowExecution().getRunId(), from, to,
            extra.isEmpty() ? HistoryReads.WORKFLOW_TASK_PAGE_EVENTS : engine.ctx.limits.maxHistoryEvents());
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
          long reset = UpdateCompletion.discardSpeculative(engine.ctx, engine.updateRegistry, txn, s, req);
          String rejected = reset != 0 ? null : CompleteWorkflowTask.apply(engine.ctx, engine.updateRegistry, txn, s, req);
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
                      engine.ctx.limits);
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
            engine.ioPool);
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
      started.add(activityTaskResponse(
          s, Activities.recordStarted(txn, s, task, req.getIdentity(), UUID.randomUUID().toString())));
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
          WorkflowTasks.fail(
              txn, s, req.getCause(), req.hasFailure() ? req.getFailure() : null, req.getIdentity());
          return null;
        });
  }

  // ---------------------------------------------------------------- activity tasks

  public CompletableFuture<PollActivityTaskQueueResponse> pollActivityTask(
      String namespaceId, PollActivityTaskQueueRequest req, long timeoutMillis, PollCancellation cancel) {
    TaskQueueKey key =
        new TaskQueueKey(namespaceId, req.getTaskQueue().getName(), QueueTask.KIND_ACTIVITY);
    engine.matching.recordPoller(key, TaskQueueStats.poller(req));
    String requestId = UUID.randomUUID().toString();
    return poll(
        key, req.getIdentity(), timeoutMillis, cancel,
        PollActivityTaskQueueResponse.getDefaultInstance(),
        task -> engine.run(task.namespaceId(), task.workflowId())
            .startActivityTask(task, req, requestId));
  }

  /** Records a matched activity task started on its run's shard, here. */
  public CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask task, PollActivityTaskQueueRequest req, String requestId) {
    return engine
        .shardFor(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null) throw new StaleTaskException();
              ActivityInfo a = Activities.recordStarted(txn, s, task, req.getIdentity(), requestId);
              return activityTaskResponse(s, a);
            });
  }

  private PollActivityTaskQueueResponse activityTaskResponse(MutableState s, ActivityInfo a) {
    var sch = a.scheduled;
    TaskToken token =
        new TaskToken(
            TaskToken.ACTIVITY, s.namespaceId, s.workflowId, s.runId, a.scheduledEventId,
            a.attempt, sch.getActivityId());
    PollActivityTaskQueueResponse.Builder b =
        PollActivityTaskQueueResponse.newBuilder()
            .setTaskToken(token.encode())
            .setWorkflowNamespace(engine.namespaces.byId(s.namespaceId).name())
            .setWorkflowType(s.started.getWorkflowType())
            .setWorkflowExecution(execution(s))
            .setActivityType(sch.getActivityType())
            .setActivityId(sch.getActivityId())
            .setScheduledTime(MutableState.timestamp(a.firstScheduledTime))
            .setCurrentAttemptScheduledTime(MutableState.timestamp(a.attemptScheduledTime))
            .setStartedTime(MutableState.timestamp(a.startedTime))
            .setAttempt(a.attempt)
            .setScheduleToCloseTimeout(sch.getScheduleToCloseTimeout())
            .setStartToCloseTimeout(sch.getStartToCloseTimeout())
            .setHeartbeatTimeout(sch.getHeartbeatTimeout())
            .setRetryPolicy(sch.getRetryPolicy());
    if (sch.hasHeader()) b.setHeader(sch.getHeader());
    if (sch.hasInput()) b.setInput(sch.getInput());
    if (a.heartbeatDetails != null) b.setHeartbeatDetails(a.heartbeatDetails);
    if (sch.hasPriority()) b.setPriority(sch.getPriority());
    return b.build();
  }

  /** Identifies an activity either by task token or by workflow id + activity id. */
  public record ActivityRef(TaskToken token, String namespaceId, String workflowId, String runId, String activityId) {
    public static ActivityRef ofToken(ByteString token) {
      TaskToken t = TaskToken.decode(token, TaskToken.ACTIVITY);
      return new ActivityRef(t, t.namespaceId(), t.workflowId(), t.runId(), t.activityId());
    }
  }

  public CompletableFuture<Boolean> heartbeat(ActivityRef ref, Payloads details) {
    return onActivity(ref, (txn, s, a) -> Activities.heartbeat(txn, s, a, details));
  }

  public CompletableFuture<Void> completeActivity(ActivityRef ref, Payloads result, String identity) {
    return onActivity(ref, (txn, s, a) -> {
      Activities.complete(txn, s, a, result, identity);
      return null;
    });
  }

  public CompletableFuture<Void> failActivity(
      ActivityRef ref, Failure failure, Payloads lastHeartbeat, String identity) {
    return onActivity(ref, (txn, s, a) -> {
      Activities.fail(txn, s, a, failure, lastHeartbeat, identity);
      return null;
    });
  }

  public CompletableFuture<Void> cancelActivity(ActivityRef ref, Payloads details, String identity) {
    return onActivity(ref, (txn, s, a) -> {
      Activities.canceled(txn, s, a, details, identity);
      return null;
    });
  }

  interface ActivityOp<R> {
    R apply(ShardTxn txn, MutableState s, ActivityInfo a);
  }

  private <R> CompletableFuture<R> onActivity(ActivityRef ref, ActivityOp<R> op) {
    engine.namespaces.byId(ref.namespaceId());
    return engine
        .shardFor(ref.namespaceId(), ref.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.resolve(ref.namespaceId(), ref.workflowId(), ref.runId());
              ActivityInfo a =
                  ref.token() != null
                      ? Activities.findStarted(s, ref.token().scheduledEventId(), null, ref.token().attempt())
                      : Activities.findStarted(s, 0, ref.activityId(), 0);
              return op.apply(txn, s, a);
            });
  }

  private <R> CompletableFuture<R> onRun(
      TaskToken t, BiFunction<ShardTxn, MutableState, R> op) {
    engine.namespaces.byId(t.namespaceId());
    return engine
        .shardFor(t.namespaceId(), t.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(t.namespaceId(), t.workflowId(), t.runId());
              if (s == null) {
                throw EngineException.notFound("Workflow execution not found for task token.");
              }
              return op.apply(txn, s);
            });
  }

  // ---------------------------------------------------------------- shared poll loop

  interface Starter<R> {
    CompletableFuture<R> start(QueueTask task);
  }

  /**
   * Waits for a task, records it started, and answers; a stale task is dropped (and its backlog
   * row deleted) and the poll continues with the time it has left.
   */
  private <R> CompletableFuture<R> poll(
      TaskQueueKey key, String identity, long timeoutMillis, PollCancellation cancel, R empty,
      Starter<R> starter) {
    CompletableFuture<R> result = new CompletableFuture<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    pollOnce(key, identity, deadline, cancel, empty, starter, result);
    return result;
  }

  private <R> void pollOnce(
      TaskQueueKey key, String identity, long deadline, PollCancellation cancel, R empty,
      Starter<R> starter, CompletableFuture<R> result) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0 || cancel.isCancelled()) {
      result.complete(empty);
      return;
    }
    if (!engine.servesQueue(key)) {
      // The queue's partition is served elsewhere (ownership just moved): answer empty after a
      // short pause, so the worker polls again and is routed to the new owner.
      engine.scheduler.schedule(
          () -> result.complete(empty), Math.min(remaining, 500), TimeUnit.MILLISECONDS);
      return;
    }
    Matching.Poll p = engine.matching.poll(key, identity, remaining);
    cancel.onCancel(p::cancel);
    p.future()
        .thenAccept(
            task -> {
              if (task == null) {
                result.complete(empty);
                return;
              }
              if (cancel.isCancelled()) {
                engine.offerTask(task); // nobody to hand it to: give it back
                result.complete(empty);
                return;
              }
              starter
                  .start(task)
                  .whenComplete(
                      (r, err) -> {
                        if (err == null) {
                          result.complete(r);
                          return;
                        }
                        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
                        if (cause instanceof StaleTaskException) {
                          dropStale(task);
                        } else {
                          log.warn("could not start task {}: {}", task.taskId(), cause.toString());
                          engine.scheduler.schedule(
                              () -> engine.offerTask(task), 200, TimeUnit.MILLISECONDS);
                        }
                        pollOnce(key, identity, deadline, cancel, empty, starter, result);
                      });
            });
  }

  /** Deletes the backlog row of a task that turned out stale (on its run's shard). */
  public void dropStale(QueueTask task) {
    if (QueryRegistry.isQueryTask(task)) {
      return; // an in-memory query task has no backlog row
    }
    engine.run(task.namespaceId(), task.workflowId()).dropStale(task);
  }

  /** Deletes the backlog row of a stale task, here. */
  void dropStaleHere(QueueTask task) {
    Shard shard = engine.shardFor(task.namespaceId(), task.workflowId());
    shard.execute(
        txn -> {
          txn.deleteQueueTask(task.taskId());
          return null;
        });
  }

  static WorkflowExecution execution(MutableState s) {
    return WorkflowExecution.newBuilder().setWorkflowId(s.workflowId).setRunId(s.runId).build();
  }
}
