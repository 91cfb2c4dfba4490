package dev.sundial.engine.cluster;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.proto.ChildClosed;
import dev.sundial.engine.proto.External;
import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import dev.sundial.engine.proto.ParentClose;
import dev.sundial.engine.proto.QueuePolledSince;
import dev.sundial.engine.proto.RunRequest;
import dev.sundial.engine.proto.StartActivityTask;
import dev.sundial.engine.proto.StartChild;
import dev.sundial.engine.proto.StartWorkflowTask;
import dev.sundial.engine.proto.Terminate;
import dev.sundial.engine.state.StandaloneActivityKey;
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
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.ToIntBiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static dev.sundial.engine.cluster.InternalMessages.bytes;
import static dev.sundial.engine.cluster.InternalMessages.parse;
import static dev.sundial.engine.cluster.InternalMessages.run;
import static dev.sundial.engine.cluster.InternalMessages.task;

/**
 * Run and partition steps served by another node: each builds its {@link InternalCall}, sends it
 * to the owner of the shard (or partition) through the {@link ClusterLink}, and turns the reply
 * back into the result or the owner's exception. The receiving side is {@code InternalCalls}.
 */
public final class Remote implements RunOperations {
  private static final Logger log = LoggerFactory.getLogger(Remote.class);
  private final ClusterLink link;
  private final IntFunction<String> ownerAddress;
  private final ToIntBiFunction<String, String> shardIndex;

  /**
   * @param ownerAddress the address of the node that owns a shard, null when none does right now
   * @param shardIndex the shard of a workflow id in a namespace
   */
  public Remote(
      ClusterLink link, IntFunction<String> ownerAddress, ToIntBiFunction<String, String> shardIndex) {
    this.link = link;
    this.ownerAddress = ownerAddress;
    this.shardIndex = shardIndex;
  }

  private CompletableFuture<InternalReply> call(int shard, InternalCall call) {
    String address = ownerAddress.apply(shard);
    if (address == null) {
      return CompletableFuture.failedFuture(EngineException.unavailable(
          "shard " + shard + " has no live owner right now (failover in progress); retry"));
    }
    return link.call(address, call).thenApply(InternalMessages::unwrap);
  }

  private CompletableFuture<InternalReply> onRun(String ns, String workflowId, InternalCall call) {
    return call(shardIndex.applyAsInt(ns, workflowId), call);
  }

  private static CompletableFuture<Void> none(CompletableFuture<InternalReply> reply) {
    return reply.thenApply(r -> null);
  }

  // ------------------------------------------------------------------ matching

  /** Best effort: the backlog row is durable, the partition owner loads or sweeps it anyway. */
  public void addTask(int partition, QueueTask t) {
    call(partition, InternalCall.newBuilder().setAddTask(task(t)).build())
        .whenComplete((ok, err) -> {
          if (err != null) {
            log.debug("task {} not handed to partition {}: {}", t.taskId(), partition, err.toString());
          }
        });
  }

  /** Whether a worker polls the queue now or polled it since the given time, asked of its owner. */
  public CompletableFuture<Boolean> hasRecentPoller(
      int partition, String namespaceId, String queue, int kind, long sinceMillis) {
    return call(partition, InternalCall.newBuilder()
            .setQueuePolledSince(QueuePolledSince.newBuilder().setNamespaceId(namespaceId)
                .setTaskQueue(queue).setKind(kind).setSinceMillis(sinceMillis))
            .build())
        .thenApply(InternalReply::getFlag);
  }

  @Override
  public void moveOffStickyQueue(QueueTask t) {
    onRun(t.namespaceId(), t.workflowId(), InternalCall.newBuilder().setUnstickTask(task(t)).build())
        .whenComplete((ok, err) -> {
          if (err != null) {
            log.debug("task {} not moved off its sticky queue: {}", t.taskId(), err.toString());
          }
        });
  }

  @Override
  public void dropStale(QueueTask t) {
    onRun(t.namespaceId(), t.workflowId(), InternalCall.newBuilder().setDropTask(task(t)).build());
  }

  @Override
  public CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask t, PollWorkflowTaskQueueRequest req, String requestId,
      PollCancellation cancel) {
    return onRun(t.namespaceId(), t.workflowId(), InternalCall.newBuilder()
            .setStartWorkflowTask(StartWorkflowTask.newBuilder().setNamespaceId(namespaceId)
                .setTask(task(t)).setRequest(bytes(req)).setRequestId(requestId))
            .build())
        .thenApply(r -> parse(PollWorkflowTaskQueueResponse.parser(), r.getMessage()));
  }

  @Override
  public CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask t, PollActivityTaskQueueRequest req, String requestId) {
    return onRun(t.namespaceId(), t.workflowId(), InternalCall.newBuilder()
            .setStartActivityTask(StartActivityTask.newBuilder().setTask(task(t))
                .setRequest(bytes(req)).setRequestId(requestId))
            .build())
        .thenApply(r -> parse(PollActivityTaskQueueResponse.parser(), r.getMessage()));
  }

  // ------------------------------------------------------------------ workflow operations

  @Override
  public CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return onRun(namespaceId, req.getWorkflowId(), InternalCall.newBuilder()
            .setStart(RunRequest.newBuilder().setNamespaceId(namespaceId).setRequest(bytes(req)))
            .build())
        .thenApply(r -> parse(StartWorkflowExecutionResponse.parser(), r.getMessage()));
  }

  @Override
  public CompletableFuture<StartActivityExecutionResponse> startActivity(
      String namespaceId, StartActivityExecutionRequest req) {
    return onRun(namespaceId, StandaloneActivityKey.of(req.getActivityId()), InternalCall.newBuilder()
            .setStartActivity(RunRequest.newBuilder().setNamespaceId(namespaceId).setRequest(bytes(req)))
            .build())
        .thenApply(r -> parse(StartActivityExecutionResponse.parser(), r.getMessage()));
  }

  @Override
  public CompletableFuture<Void> terminate(String namespaceId, String workflowId, String runId,
      String firstExecutionRunId, String reason, Payloads details, String identity) {
    Terminate.Builder t = Terminate.newBuilder().setRun(run(namespaceId, workflowId, runId))
        .setFirstExecutionRunId(firstExecutionRunId)
        .setReason(reason == null ? "" : reason).setIdentity(identity == null ? "" : identity);
    if (details != null) t.setDetails(bytes(details));
    return none(onRun(namespaceId, workflowId, InternalCall.newBuilder().setTerminate(t).build()));
  }

  @Override
  public CompletableFuture<Void> signal(String namespaceId, SignalWorkflowExecutionRequest req) {
    return none(onRun(namespaceId, req.getWorkflowExecution().getWorkflowId(),
        InternalCall.newBuilder()
            .setSignal(RunRequest.newBuilder().setNamespaceId(namespaceId).setRequest(bytes(req)))
            .build()));
  }

  @Override
  public CompletableFuture<Void> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    return none(onRun(namespaceId, req.getWorkflowExecution().getWorkflowId(),
        InternalCall.newBuilder()
            .setRequestCancel(
                RunRequest.newBuilder().setNamespaceId(namespaceId).setRequest(bytes(req)))
            .build()));
  }

  @Override
  public CompletableFuture<Void> delete(String namespaceId, String workflowId, String runId) {
    return none(onRun(namespaceId, workflowId,
        InternalCall.newBuilder().setDelete(run(namespaceId, workflowId, runId)).build()));
  }

  // ------------------------------------------------------------------ transfers

  @Override
  public CompletableFuture<String> startChild(
      String childNs, StartWorkflowExecutionRequest req, ParentRun parent) {
    StartChild.Builder c = StartChild.newBuilder()
        .setChildNamespaceId(childNs).setRequest(bytes(req))
        .setParentNamespace(parent.namespace()).setParentNamespaceId(parent.namespaceId())
        .setParentWorkflowId(parent.workflowId()).setParentRunId(parent.runId())
        .setInitiatedEventId(parent.initiatedEventId());
    if (parent.root() != null) c.setRoot(bytes(parent.root()));
    return onRun(childNs, req.getWorkflowId(), InternalCall.newBuilder().setStartChild(c).build())
        .thenApply(r -> r.hasText() ? r.getText() : null);
  }

  @Override
  public CompletableFuture<Void> childClosed(String parentNs, String parentWorkflowId,
      String parentRunId, long initiatedId, HistoryEvent event) {
    return none(onRun(parentNs, parentWorkflowId, InternalCall.newBuilder()
        .setChildClosed(ChildClosed.newBuilder()
            .setParent(run(parentNs, parentWorkflowId, parentRunId))
            .setInitiatedEventId(initiatedId).setEvent(bytes(event)))
        .build()));
  }

  @Override
  public CompletableFuture<Boolean> external(String namespaceId, String workflowId, String runId,
      SignalExternalWorkflowExecutionInitiatedEventAttributes signal,
      RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel, String requestId,
      WorkflowExecution source, long initiatedId) {
    External.Builder x = External.newBuilder().setTarget(run(namespaceId, workflowId, runId))
        .setRequestId(requestId).setSource(bytes(source)).setInitiatedEventId(initiatedId);
    if (signal != null) x.setSignal(bytes(signal));
    if (cancel != null) x.setCancel(bytes(cancel));
    return onRun(namespaceId, workflowId, InternalCall.newBuilder().setExternal(x).build())
        .thenApply(InternalReply::getFlag);
  }

  @Override
  public CompletableFuture<Void> parentClose(ParentClosePolicy policy, String namespaceId,
      String workflowId, String childRunId, String requestId) {
    return none(onRun(namespaceId, workflowId, InternalCall.newBuilder()
        .setParentClose(ParentClose.newBuilder().setPolicy(policy.getNumber())
            .setChild(run(namespaceId, workflowId, childRunId)).setRequestId(requestId))
        .build()));
  }
}
