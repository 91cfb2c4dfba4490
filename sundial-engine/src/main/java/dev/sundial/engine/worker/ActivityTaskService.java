package dev.sundial.engine.worker;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.workflow.StandaloneActivities;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueueStats;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.Priorities;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.Priority;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The activity task RPCs: poll, start (here, on the run's shard), heartbeat, and the three ways an
 * attempt ends, by task token or by workflow and activity id.
 */
public final class ActivityTaskService {
  private final BiFunction<String, String, Shard> shardFor;
  private final RunRouter router;
  private final TaskPoller poller;
  private final NamespaceRegistry namespaces;

  public ActivityTaskService(
      BiFunction<String, String, Shard> shardFor, RunRouter router, TaskPoller poller, NamespaceRegistry namespaces) {
    this.shardFor = shardFor;
    this.router = router;
    this.poller = poller;
    this.namespaces = namespaces;
  }

  public CompletableFuture<PollActivityTaskQueueResponse> pollActivityTask(
      String namespaceId, PollActivityTaskQueueRequest req, long timeoutMillis, PollCancellation cancel) {
    TaskQueueKey key =
        new TaskQueueKey(namespaceId, req.getTaskQueue().getName(), QueueTask.KIND_ACTIVITY);
    String requestId = UUID.randomUUID().toString();
    return poller.poll(
        key, TaskQueueStats.poller(req), req.getWorkerInstanceKey(), timeoutMillis, cancel,
        PollActivityTaskQueueResponse.getDefaultInstance(),
        task -> router.run(task.namespaceId(), task.workflowId())
            .startActivityTask(task, req, requestId));
  }

  /** Records a matched activity task started on its run's shard, here. */
  public CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask task, PollActivityTaskQueueRequest req, String requestId) {
    return shardFor
        .apply(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null) throw new StaleTaskException();
              ActivityInfo a = Activities.recordStarted(txn, s, task, req.getIdentity(), requestId);
              return response(namespaces, s, a);
            });
  }

  /** Identifies an activity either by task token or by workflow id + activity id. */
  public record ActivityRef(TaskToken token, String namespaceId, String workflowId, String runId, String activityId) {
    public static ActivityRef ofToken(ByteString token) {
      TaskToken t = TaskToken.decode(token, TaskToken.ACTIVITY);
      return new ActivityRef(t, t.namespaceId(), t.workflowId(), t.runId(), t.activityId());
    }
  }

  public CompletableFuture<Boolean> heartbeat(ActivityRef ref, Payloads details) {
    return onActivity(ref, false, (txn, s, a) -> Activities.heartbeat(txn, s, a, details));
  }

  public CompletableFuture<Void> completeActivity(ActivityRef ref, Payloads result, String identity) {
    return onActivity(ref, true, (txn, s, a) -> {
      Activities.complete(txn, s, a, result, identity);
      return null;
    });
  }

  public CompletableFuture<Void> failActivity(
      ActivityRef ref, Failure failure, Payloads lastHeartbeat, String identity) {
    return onActivity(ref, true, (txn, s, a) -> {
      Activities.fail(txn, s, a, failure, lastHeartbeat, identity);
      return null;
    });
  }

  public CompletableFuture<Void> cancelActivity(ActivityRef ref, Payloads details, String identity) {
    return onActivity(ref, true, (txn, s, a) -> {
      Activities.canceled(txn, s, a, details, identity);
      return null;
    });
  }

  interface ActivityOp<R> {
    R apply(ShardTxn txn, MutableState s, ActivityInfo a);
  }

  /**
   * Runs {@code op} on the activity a token (a started attempt) or an id names; {@code closing}
   * by id also reaches an activity no worker has started (Temporal's rule for completion by id).
   */
  private <R> CompletableFuture<R> onActivity(ActivityRef ref, boolean closing, ActivityOp<R> op) {
    namespaces.byId(ref.namespaceId());
    return shardFor
        .apply(ref.namespaceId(), ref.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.resolve(ref.namespaceId(), ref.workflowId(), ref.runId());
              ActivityInfo a =
                  ref.token() != null
                      ? Activities.findStarted(s, ref.token().scheduledEventId(), null, ref.token().attempt())
                      : closing
                          ? Activities.findForCompletionById(txn, s, ref.activityId())
                          : Activities.findStarted(s, 0, ref.activityId(), 0);
              R result = op.apply(txn, s, a);
              StandaloneActivities.settle(txn, s);
              return result;
            });
  }

  /** The poll response of an activity task just recorded started. */
  static PollActivityTaskQueueResponse response(
      NamespaceRegistry namespaces, MutableState s, ActivityInfo a) {
    var sch = a.scheduled;
    TaskToken token =
        new TaskToken(
            TaskToken.ACTIVITY, s.namespaceId, s.workflowId, s.runId, a.scheduledEventId,
            a.attempt, sch.getActivityId());
    PollActivityTaskQueueResponse.Builder b =
        PollActivityTaskQueueResponse.newBuilder()
            .setTaskToken(token.encode())
            .setWorkflowNamespace(namespaces.byId(s.namespaceId).name())
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
    if (StandaloneActivityKey.is(s)) {
      b.setActivityRunId(s.runId); // no workflow: the SDK tells the two kinds apart by this
    } else {
      b.setWorkflowType(s.started.getWorkflowType()).setWorkflowExecution(TaskPoller.execution(s));
    }
    if (sch.hasHeader()) b.setHeader(sch.getHeader());
    if (sch.hasInput()) b.setInput(sch.getInput());
    if (a.heartbeatDetails != null) b.setHeartbeatDetails(a.heartbeatDetails);
    // As in Temporal: what the activity leaves unset of its priority comes from the workflow.
    Priority priority = Priorities.merge(s.priority(), sch.getPriority());
    if (priority != null) b.setPriority(priority);
    return b.build();
  }

}
