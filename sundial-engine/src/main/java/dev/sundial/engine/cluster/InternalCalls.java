package dev.sundial.engine.cluster;

import static dev.sundial.engine.cluster.InternalMessages.parse;
import static dev.sundial.engine.cluster.InternalMessages.task;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import dev.sundial.engine.proto.RunRef;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving side of internal node-to-node calls (see {@code cluster.Remote}): runs the step
 * of an {@link InternalCall} on this node's shard or matching partition. A shard this node does
 * not serve answers UNAVAILABLE, and the caller retries once the routing table catches up.
 */
public final class InternalCalls {
  private final RunOperations local;
  private final RunRouter router;
  private final Matching matching;
  private final ShardMap shards;
  private final int shardCount;

  /**
   * Built from this node's run steps, the router (a task whose sticky worker is gone goes to its
   * run's node), this node's matching, and shard ownership (partition i is served with shard i).
   */
  public InternalCalls(
      RunOperations local, RunRouter router, Matching matching, ShardMap shards, int shardCount) {
    this.local = local;
    this.router = router;
    this.matching = matching;
    this.shards = shards;
    this.shardCount = shardCount;
  }

  /** Runs one call; never fails: errors travel back in the reply. */
  public CompletableFuture<InternalReply> handle(InternalCall call) {
    CompletableFuture<InternalReply> result;
    try {
      result = dispatch(call);
    } catch (Throwable t) {
      result = CompletableFuture.failedFuture(t);
    }
    return result.handle((r, err) -> err == null ? r : InternalMessages.error(err));
  }

  private CompletableFuture<InternalReply> dispatch(InternalCall call) {
    return switch (call.getOpCase()) {
      case ADD_TASK -> {
        QueueTask t = task(call.getAddTask());
        int partition = Partitions.partitionOf(t.namespaceId(), t.taskQueue(), shardCount);
        if (!shards.ownsShard(partition)) {
          throw EngineException.unavailable(
              "matching partition " + partition + " is not served by this node");
        }
        if (matching.isUnloaded(new TaskQueueKey(t.namespaceId(), t.taskQueue(), t.kind()))) {
          router.run(t.namespaceId(), t.workflowId()).moveOffStickyQueue(t); // its worker shut down
        } else {
          matching.add(t);
        }
        yield done();
      }
      case UNSTICK_TASK -> {
        local.moveOffStickyQueue(task(call.getUnstickTask()));
        yield done();
      }
      case DROP_TASK -> {
        local.dropStale(task(call.getDropTask()));
        yield done();
      }
      case QUEUE_POLLED_SINCE -> {
        var q = call.getQueuePolledSince();
        var key = new TaskQueueKey(q.getNamespaceId(), q.getTaskQueue(), q.getKind());
        if (!shards.ownsShard(Partitions.partitionOf(key.namespaceId(), key.name(), shardCount))) {
          throw EngineException.unavailable(
              "task queue " + key.name() + " is not served by this node");
        }
        yield CompletableFuture.completedFuture(
            InternalMessages.flag(matching.hasRecentPoller(key, q.getSinceMillis())));
      }
      case START_WORKFLOW_TASK -> {
        var c = call.getStartWorkflowTask();
        yield local.startWorkflowTask(c.getNamespaceId(), task(c.getTask()),
                parse(PollWorkflowTaskQueueRequest.parser(), c.getRequest()), c.getRequestId(),
                PollCancellation.NEVER)
            .thenApply(InternalMessages::message);
      }
      case START_ACTIVITY_TASK -> {
        var c = call.getStartActivityTask();
        yield local.startActivityTask(task(c.getTask()),
                parse(PollActivityTaskQueueRequest.parser(), c.getRequest()), c.getRequestId())
            .thenApply(InternalMessages::message);
      }
      case START -> {
        var c = call.getStart();
        yield local.start(c.getNamespaceId(), parse(StartWorkflowExecutionRequest.parser(), c.getRequest()))
            .thenApply(InternalMessages::message);
      }
      case START_ACTIVITY -> {
        var c = call.getStartActivity();
        yield local.startActivity(c.getNamespaceId(),
                parse(StartActivityExecutionRequest.parser(), c.getRequest()))
            .thenApply(InternalMessages::message);
      }
      case TERMINATE -> {
        var c = call.getTerminate();
        RunRef r = c.getRun();
        yield local.terminate(r.getNamespaceId(), r.getWorkflowId(), r.getRunId(),
                c.getFirstExecutionRunId(), c.getReason(),
                c.hasDetails() ? parse(Payloads.parser(), c.getDetails()) : null, c.getIdentity())
            .thenApply(v -> InternalMessages.done());
      }
      case SIGNAL -> {
        var c = call.getSignal();
        yield local.signal(c.getNamespaceId(), parse(SignalWorkflowExecutionRequest.parser(), c.getRequest()))
            .thenApply(v -> InternalMessages.done());
      }
      case REQUEST_CANCEL -> {
        var c = call.getRequestCancel();
        yield local.requestCancel(c.getNamespaceId(),
                parse(RequestCancelWorkflowExecutionRequest.parser(), c.getRequest()))
            .thenApply(v -> InternalMessages.done());
      }
      case DELETE -> {
        RunRef r = call.getDelete();
        yield local.delete(r.getNamespaceId(), r.getWorkflowId(), r.getRunId())
            .thenApply(v -> InternalMessages.done());
      }
      case START_CHILD -> {
        var c = call.getStartChild();
        var parent = new ParentRun(c.getParentNamespace(), c.getParentNamespaceId(),
            c.getParentWorkflowId(), c.getParentRunId(), c.getInitiatedEventId(),
            c.hasRoot() ? parse(WorkflowExecution.parser(), c.getRoot()) : null);
        yield local.startChild(c.getChildNamespaceId(),
                parse(StartWorkflowExecutionRequest.parser(), c.getRequest()), parent)
            .thenApply(InternalMessages::text);
      }
      case CHILD_CLOSED -> {
        var c = call.getChildClosed();
        RunRef p = c.getParent();
        yield local.childClosed(p.getNamespaceId(), p.getWorkflowId(), p.getRunId(),
                c.getInitiatedEventId(), parse(HistoryEvent.parser(), c.getEvent()))
            .thenApply(v -> InternalMessages.done());
      }
      case EXTERNAL -> {
        var c = call.getExternal();
        RunRef t = c.getTarget();
        yield local.external(t.getNamespaceId(), t.getWorkflowId(), t.getRunId(),
                c.hasSignal()
                    ? parse(SignalExternalWorkflowExecutionInitiatedEventAttributes.parser(), c.getSignal())
                    : null,
                c.hasCancel()
                    ? parse(RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.parser(), c.getCancel())
                    : null,
                c.getRequestId(), parse(WorkflowExecution.parser(), c.getSource()),
                c.getInitiatedEventId())
            .thenApply(InternalMessages::flag);
      }
      case PARENT_CLOSE -> {
        var c = call.getParentClose();
        RunRef child = c.getChild();
        yield local.parentClose(ParentClosePolicy.forNumber(c.getPolicy()), child.getNamespaceId(),
                child.getWorkflowId(), child.getRunId(), c.getRequestId())
            .thenApply(v -> InternalMessages.done());
      }
      case OP_NOT_SET -> throw EngineException.invalidArgument("internal call without an operation");
    };
  }

  private static CompletableFuture<InternalReply> done() {
    return CompletableFuture.completedFuture(InternalMessages.done());
  }
}
