package dev.sundial.engine.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.sundial.engine.Engine;
import dev.sundial.engine.InternalOps;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling side of internal operations: engine steps whose shard or matching partition is
 * served by another node. Each method encodes its arguments, sends them to the owner through the
 * {@link ClusterLink}, and decodes the reply (rethrowing the owner's engine exception). The
 * receiving side is {@link InternalOps}; both list the arguments in the same order.
 */
public final class Remote {
  private static final Logger log = LoggerFactory.getLogger(Remote.class);
  private final Engine engine;

  public Remote(Engine engine) {
    this.engine = engine;
  }

  private CompletableFuture<byte[]> call(int shard, String op, Wire.Out payload) {
    var ownership = engine.ownership();
    String address = ownership == null ? null : ownership.ownerAddress(shard);
    if (address == null) {
      return CompletableFuture.failedFuture(EngineException.unavailable(
          "shard " + shard + " has no live owner right now (failover in progress); retry"));
    }
    return engine.link().call(address, op, payload.done()).thenApply(Wire::result);
  }

  private CompletableFuture<byte[]> onRun(String ns, String workflowId, String op, Wire.Out p) {
    return call(engine.shardIndex(ns, workflowId), op, p);
  }

  private static <T> Function<byte[], T> none() {
    return b -> null;
  }

  // ------------------------------------------------------------------ matching

  /** Best effort: the backlog row is durable, the partition owner loads or sweeps it anyway. */
  public void addTask(int partition, QueueTask t) {
    call(partition, InternalOps.ADD_TASK, new Wire.Out().task(t)).whenComplete((ok, err) -> {
      if (err != null) {
        log.debug("task {} not handed to partition {}: {}", t.taskId(), partition, err.toString());
      }
    });
  }

  public void moveOffStickyQueue(QueueTask t) {
    onRun(t.namespaceId(), t.workflowId(), InternalOps.UNSTICK_TASK, new Wire.Out().task(t))
        .whenComplete((ok, err) -> {
          if (err != null) {
            log.debug("task {} not moved off its sticky queue: {}", t.taskId(), err.toString());
          }
        });
  }

  public void dropStale(QueueTask t) {
    onRun(t.namespaceId(), t.workflowId(), InternalOps.DROP_TASK, new Wire.Out().task(t));
  }

  /** Whether a worker polls the queue now or polled it since the given time, asked of its owner. */
  public CompletableFuture<Boolean> hasRecentPoller(
      int partition, String namespaceId, String queue, int kind, long sinceMillis) {
    return call(partition, InternalOps.QUEUE_POLLED,
            new Wire.Out().str(namespaceId).str(queue).num(kind).num(sinceMillis))
        .thenApply(b -> new Wire.In(b).num() == 1);
  }

  public CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask t, PollWorkflowTaskQueueRequest req, String requestId) {
    return onRun(t.namespaceId(), t.workflowId(), InternalOps.START_WORKFLOW_TASK,
            new Wire.Out().str(namespaceId).task(t).msg(req).str(requestId))
        .thenApply(b -> parse(PollWorkflowTaskQueueResponse.parser(), b));
  }

  public CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask t, PollActivityTaskQueueRequest req, String requestId) {
    return onRun(t.namespaceId(), t.workflowId(), InternalOps.START_ACTIVITY_TASK,
            new Wire.Out().task(t).msg(req).str(requestId))
        .thenApply(b -> parse(PollActivityTaskQueueResponse.parser(), b));
  }

  // ------------------------------------------------------------------ workflow operations

  public CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return onRun(namespaceId, req.getWorkflowId(), InternalOps.START,
            new Wire.Out().str(namespaceId).msg(req))
        .thenApply(b -> parse(StartWorkflowExecutionResponse.parser(), b));
  }

  public CompletableFuture<Void> terminate(String namespaceId, String workflowId, String runId,
      String reason, Payloads details, String identity) {
    return onRun(namespaceId, workflowId, InternalOps.TERMINATE, new Wire.Out().str(namespaceId)
            .str(workflowId).str(runId).str(reason).msg(details).str(identity))
        .thenApply(none());
  }

  public CompletableFuture<Void> signal(String namespaceId, SignalWorkflowExecutionRequest req) {
    return onRun(namespaceId, req.getWorkflowExecution().getWorkflowId(), InternalOps.SIGNAL,
            new Wire.Out().str(namespaceId).msg(req))
        .thenApply(none());
  }

  public CompletableFuture<Void> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    return onRun(namespaceId, req.getWorkflowExecution().getWorkflowId(), InternalOps.CANCEL,
            new Wire.Out().str(namespaceId).msg(req))
        .thenApply(none());
  }

  public CompletableFuture<Void> delete(String namespaceId, String workflowId, String runId) {
    return onRun(namespaceId, workflowId, InternalOps.DELETE,
            new Wire.Out().str(namespaceId).str(workflowId).str(runId))
        .thenApply(none());
  }

  // ------------------------------------------------------------------ transfers

  public CompletableFuture<String> startChild(
      String childNs, StartWorkflowExecutionRequest req, StartWorkflow.Parent parent) {
    return onRun(childNs, req.getWorkflowId(), InternalOps.START_CHILD,
            new Wire.Out().str(childNs).msg(req).str(parent.namespace()).str(parent.namespaceId())
                .str(parent.workflowId()).str(parent.runId()).num(parent.initiatedEventId())
                .msg(parent.root()))
        .thenApply(b -> b == null ? null : new Wire.In(b).str());
  }

  public CompletableFuture<Void> childClosed(String parentNs, String parentWorkflowId,
      String parentRunId, long initiatedId, HistoryEvent event) {
    return onRun(parentNs, parentWorkflowId, InternalOps.CHILD_CLOSED, new Wire.Out()
            .str(parentNs).str(parentWorkflowId).str(parentRunId).num(initiatedId).msg(event))
        .thenApply(none());
  }

  public CompletableFuture<Boolean> external(String namespaceId, String workflowId, String runId,
      SignalExternalWorkflowExecutionInitiatedEventAttributes signal,
      RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel, String requestId,
      WorkflowExecution source, long initiatedId) {
    return onRun(namespaceId, workflowId, InternalOps.EXTERNAL, new Wire.Out().str(namespaceId)
            .str(workflowId).str(runId).msg(signal).msg(cancel).str(requestId).msg(source)
            .num(initiatedId))
        .thenApply(b -> new Wire.In(b).num() == 1);
  }

  public CompletableFuture<Void> parentClose(ParentClosePolicy policy, String namespaceId,
      String workflowId, String childRunId, String requestId) {
    return onRun(namespaceId, workflowId, InternalOps.PARENT_CLOSE, new Wire.Out()
            .num(policy.getNumber()).str(namespaceId).str(workflowId).str(childRunId).str(requestId))
        .thenApply(none());
  }

  private static <M extends Message> M parse(
      Parser<M> parser, byte[] b) {
    try {
      return parser.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("bad internal reply: " + e.getMessage(), e);
    }
  }
}
