package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.cluster.Wire;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.matching.TaskQueueKey;
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
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.concurrent.CompletableFuture;

/**
 * The receiving side of internal node-to-node operations (see {@code cluster.Remote}): decodes
 * the arguments and runs the step on this node's shard or matching partition. The reply is a
 * {@link Wire} envelope; a shard this node does not serve answers UNAVAILABLE and the caller
 * retries after the routing table catches up.
 */
public final class InternalOps {
  public static final String ADD_TASK = "task.add";
  public static final String UNSTICK_TASK = "task.unstick";
  public static final String DROP_TASK = "task.drop";
  public static final String QUEUE_POLLED = "queue.polledSince";
  public static final String START_WORKFLOW_TASK = "task.startWorkflow";
  public static final String START_ACTIVITY_TASK = "task.startActivity";
  public static final String START = "workflow.start";
  public static final String TERMINATE = "workflow.terminate";
  public static final String SIGNAL = "workflow.signal";
  public static final String CANCEL = "workflow.cancel";
  public static final String DELETE = "workflow.delete";
  public static final String START_CHILD = "transfer.startChild";
  public static final String CHILD_CLOSED = "transfer.childClosed";
  public static final String EXTERNAL = "transfer.external";
  public static final String PARENT_CLOSE = "transfer.parentClose";

  private static final TaskOps.Cancellation NEVER_CANCELLED = new TaskOps.Cancellation() {
    @Override
    public void onCancel(Runnable r) {}

    @Override
    public boolean isCancelled() {
      return false;
    }
  };

  private final Engine engine;

  InternalOps(Engine engine) {
    this.engine = engine;
  }

  /** Runs one operation; never throws: failures travel back in the reply envelope. */
  public CompletableFuture<byte[]> handle(String op, byte[] payload) {
    CompletableFuture<byte[]> result;
    try {
      result = dispatch(op, new Wire.In(payload));
    } catch (Throwable t) {
      result = CompletableFuture.failedFuture(t);
    }
    return result.handle((b, err) -> err == null ? Wire.ok(b) : Wire.error(err));
  }

  private CompletableFuture<byte[]> dispatch(String op, Wire.In in) {
    return switch (op) {
      case ADD_TASK -> {
        QueueTask t = in.task();
        int partition = engine.partitionOf(t.namespaceId(), t.taskQueue());
        if (!engine.ownsShard(partition)) {
          throw EngineException.unavailable(
              "matching partition " + partition + " is not served by this node");
        }
        if (engine.matching.isUnloaded(
            new TaskQueueKey(t.namespaceId(), t.taskQueue(), t.kind()))) {
          engine.moveOffStickyQueue(t); // its sticky worker shut down
        } else {
          engine.matching.add(t);
        }
        yield done();
      }
      case UNSTICK_TASK -> {
        engine.moveOffStickyQueue(in.task());
        yield done();
      }
      case DROP_TASK -> {
        engine.tasks.dropStale(in.task());
        yield done();
      }
      case QUEUE_POLLED -> {
        var key = new TaskQueueKey(in.str(), in.str(), (int) in.num());
        long since = in.num();
        if (!engine.servesQueue(key)) {
          throw EngineException.unavailable(
              "task queue " + key.name() + " is not served by this node");
        }
        boolean polled = engine.matching.hasRecentPoller(key, since);
        yield CompletableFuture.completedFuture(new Wire.Out().num(polled ? 1 : 0).done());
      }
      case START_WORKFLOW_TASK -> {
        String ns = in.str();
        QueueTask t = in.task();
        var req = in.msg(PollWorkflowTaskQueueRequest.parser());
        yield engine.tasks.startWorkflowTask(ns, t, req, in.str(), NEVER_CANCELLED)
            .thenApply(r -> r.toByteArray());
      }
      case START_ACTIVITY_TASK -> {
        QueueTask t = in.task();
        var req = in.msg(PollActivityTaskQueueRequest.parser());
        yield engine.tasks.startActivityTask(t, req, in.str()).thenApply(r -> r.toByteArray());
      }
      case START -> {
        String ns = in.str();
        var req = in.msg(StartWorkflowExecutionRequest.parser());
        requireLocal(ns, req.getWorkflowId());
        yield engine.workflows.start(ns, req).thenApply(r -> r.toByteArray());
      }
      case TERMINATE -> {
        String ns = in.str();
        String wf = in.str();
        String run = in.str();
        String reason = in.str();
        Payloads details = in.msg(Payloads.parser());
        requireLocal(ns, wf);
        yield engine.workflows.terminate(ns, wf, run, reason, details, in.str()).thenApply(v -> null);
      }
      case SIGNAL -> {
        String ns = in.str();
        var req = in.msg(SignalWorkflowExecutionRequest.parser());
        requireLocal(ns, req.getWorkflowExecution().getWorkflowId());
        yield engine.workflows.signal(ns, req).thenApply(v -> null);
      }
      case CANCEL -> {
        String ns = in.str();
        var req = in.msg(RequestCancelWorkflowExecutionRequest.parser());
        requireLocal(ns, req.getWorkflowExecution().getWorkflowId());
        yield engine.workflows.requestCancel(ns, req).thenApply(v -> null);
      }
      case DELETE -> {
        String ns = in.str();
        String wf = in.str();
        String run = in.str();
        requireLocal(ns, wf);
        yield engine.workflows.delete(ns, wf, run).thenApply(v -> null);
      }
      case START_CHILD -> {
        String childNs = in.str();
        var req = in.msg(StartWorkflowExecutionRequest.parser());
        var parent = new StartWorkflow.Parent(in.str(), in.str(), in.str(), in.str(), in.num(),
            in.msg(WorkflowExecution.parser()));
        yield engine.transfers.startChildTarget(childNs, req, parent)
            .thenApply(runId -> new Wire.Out().str(runId).done());
      }
      case CHILD_CLOSED -> {
        String ns = in.str();
        String wf = in.str();
        String run = in.str();
        long initiated = in.num();
        yield engine.transfers.childClosedTarget(ns, wf, run, initiated, in.msg(HistoryEvent.parser()))
            .thenApply(v -> null);
      }
      case EXTERNAL -> {
        String ns = in.str();
        String wf = in.str();
        String run = in.str();
        var signal = in.msg(SignalExternalWorkflowExecutionInitiatedEventAttributes.parser());
        var cancel = in.msg(RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.parser());
        String requestId = in.str();
        var source = in.msg(WorkflowExecution.parser());
        yield engine.transfers.externalTarget(ns, wf, run, signal, cancel, requestId, source, in.num())
            .thenApply(delivered -> new Wire.Out().num(delivered ? 1 : 0).done());
      }
      case PARENT_CLOSE -> {
        ParentClosePolicy policy = ParentClosePolicy.forNumber((int) in.num());
        yield engine.transfers.parentCloseTarget(policy, in.str(), in.str(), in.str(), in.str())
            .thenApply(v -> null);
      }
      default -> throw EngineException.invalidArgument(
          "unknown internal operation " + op);
    };
  }

  /** Forwarded once only: a node that does not serve the shard (any more) says so. */
  private void requireLocal(String namespaceId, String workflowId) {
    engine.shardFor(namespaceId, workflowId);
  }

  private static CompletableFuture<byte[]> done() {
    return CompletableFuture.completedFuture(null);
  }
}
