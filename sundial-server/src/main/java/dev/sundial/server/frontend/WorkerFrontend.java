package dev.sundial.server.frontend;

import com.google.protobuf.ByteString;
import dev.sundial.engine.Engine;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.namespace.NamespaceRegistry;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The WorkflowService RPCs that workers call: workflow and activity task polls and results,
 * heartbeats, query answers, sticky queues, shutdown; and the plumbing every RPC shares (replying,
 * error mapping, namespace resolution, long-poll budgets). {@link WorkflowFrontend} adds the RPCs
 * clients call.
 */
abstract class WorkerFrontend extends UnimplementedCalls {
  final Engine engine;
  final NamespaceRegistry namespaces;
  final RequestValidator validate;
  final EngineContext.Limits limits;
  private final ActivityTaskHandler activities;

  WorkerFrontend(Engine engine) {
    this.engine = engine;
    this.namespaces = engine.namespaces();
    this.limits = engine.context().limits;
    this.validate = new RequestValidator(limits);
    this.activities = new ActivityTaskHandler(engine, validate);
  }

  // ------------------------------------------------------------------ plumbing

  final <T> void reply(StreamObserver<T> out, Supplier<CompletableFuture<T>> call) {
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (Throwable t) {
      out.onError(GrpcErrors.toStatus(t));
      return;
    }
    f.whenComplete(
        (r, e) -> {
          try {
            if (e != null) {
              out.onError(GrpcErrors.toStatus(e));
            } else {
              out.onNext(r);
              out.onCompleted();
            }
          } catch (RuntimeException ignored) {
            // the call was cancelled meanwhile; nothing to tell
          }
        });
  }

  final <T> void replyNow(StreamObserver<T> out, Supplier<T> call) {
    reply(out, () -> CompletableFuture.completedFuture(call.get()));
  }

  final String namespaceId(String namespace) {
    validate.namespace(namespace);
    return namespaces.byName(namespace).id();
  }

  /** The long-poll budget: our limit, shortened to end before the caller's deadline. */
  final long longPollMillis() {
    long budget = limits.longPollMillis();
    Deadline d = Context.current().getDeadline();
    if (d != null) {
      budget = Math.min(budget, d.timeRemaining(TimeUnit.MILLISECONDS) - 1000);
    }
    return Math.max(budget, 0);
  }

  // ------------------------------------------------------------------ workflow tasks

  @Override
  public void pollWorkflowTaskQueue(
      PollWorkflowTaskQueueRequest req, StreamObserver<PollWorkflowTaskQueueResponse> out) {
    PollCancellation cancel = CallCancellation.of(out);
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.taskQueue(req.getTaskQueue(), "PollWorkflowTaskQueueRequest");
          return engine.workflowTasks.pollWorkflowTask(ns, req, longPollMillis(), cancel);
        });
  }

  @Override
  public void respondWorkflowTaskCompleted(
      RespondWorkflowTaskCompletedRequest req,
      StreamObserver<RespondWorkflowTaskCompletedResponse> out) {
    reply(out, () -> engine.workflowTasks.completeWorkflowTask(
        tokenIn(req.getNamespace(), req.getTaskToken(), TaskToken.WORKFLOW, req)));
  }

  @Override
  public void respondWorkflowTaskFailed(
      RespondWorkflowTaskFailedRequest req, StreamObserver<RespondWorkflowTaskFailedResponse> out) {
    reply(
        out,
        () ->
            engine.workflowTasks
                .failWorkflowTask(
                    tokenIn(req.getNamespace(), req.getTaskToken(), TaskToken.WORKFLOW, req))
                .thenApply(v -> RespondWorkflowTaskFailedResponse.getDefaultInstance()));
  }

  // ------------------------------------------------------------------ activity tasks

  @Override
  public void pollActivityTaskQueue(
      PollActivityTaskQueueRequest req, StreamObserver<PollActivityTaskQueueResponse> out) {
    PollCancellation cancel = CallCancellation.of(out);
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.taskQueue(req.getTaskQueue(), "PollActivityTaskQueueRequest");
          return engine.activityTasks.pollActivityTask(ns, req, longPollMillis(), cancel);
        });
  }

  @Override
  public void recordActivityTaskHeartbeat(
      RecordActivityTaskHeartbeatRequest req,
      StreamObserver<RecordActivityTaskHeartbeatResponse> out) {
    reply(out, () -> activities.heartbeat(req));
  }

  @Override
  public void recordActivityTaskHeartbeatById(
      RecordActivityTaskHeartbeatByIdRequest req,
      StreamObserver<RecordActivityTaskHeartbeatByIdResponse> out) {
    reply(out, () -> activities.heartbeatById(req));
  }

  @Override
  public void respondActivityTaskCompleted(
      RespondActivityTaskCompletedRequest req,
      StreamObserver<RespondActivityTaskCompletedResponse> out) {
    reply(out, () -> activities.completed(req));
  }

  @Override
  public void respondActivityTaskCompletedById(
      RespondActivityTaskCompletedByIdRequest req,
      StreamObserver<RespondActivityTaskCompletedByIdResponse> out) {
    reply(out, () -> activities.completedById(req));
  }

  @Override
  public void respondActivityTaskFailed(
      RespondActivityTaskFailedRequest req, StreamObserver<RespondActivityTaskFailedResponse> out) {
    reply(out, () -> activities.failed(req));
  }

  @Override
  public void respondActivityTaskFailedById(
      RespondActivityTaskFailedByIdRequest req,
      StreamObserver<RespondActivityTaskFailedByIdResponse> out) {
    reply(out, () -> activities.failedById(req));
  }

  @Override
  public void respondActivityTaskCanceled(
      RespondActivityTaskCanceledRequest req,
      StreamObserver<RespondActivityTaskCanceledResponse> out) {
    reply(out, () -> activities.canceled(req));
  }

  @Override
  public void respondActivityTaskCanceledById(
      RespondActivityTaskCanceledByIdRequest req,
      StreamObserver<RespondActivityTaskCanceledByIdResponse> out) {
    reply(out, () -> activities.canceledById(req));
  }

  /** The request, after checking its task token belongs to the namespace it names. */
  private <T> T tokenIn(String namespace, ByteString token, int kind, T req) {
    TokenNamespaces.check(namespaces, namespace, token, kind);
    return req;
  }

  // ------------------------------------------------------------------ query answers & stickiness

  @Override
  public void respondQueryTaskCompleted(
      RespondQueryTaskCompletedRequest req, StreamObserver<RespondQueryTaskCompletedResponse> out) {
    reply(
        out,
        () ->
            engine.queries
                .respondQueryTaskCompleted(
                    tokenIn(req.getNamespace(), req.getTaskToken(), TaskToken.QUERY, req))
                .thenApply(v -> RespondQueryTaskCompletedResponse.getDefaultInstance()));
  }

  @Override
  public void resetStickyTaskQueue(
      ResetStickyTaskQueueRequest req, StreamObserver<ResetStickyTaskQueueResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getExecution().getWorkflowId());
          return engine.queries
              .resetStickyTaskQueue(
                  ns, req.getExecution().getWorkflowId(), req.getExecution().getRunId())
              .thenApply(v -> ResetStickyTaskQueueResponse.getDefaultInstance());
        });
  }

  // ------------------------------------------------------------------ worker lifecycle

  @Override
  public void shutdownWorker(ShutdownWorkerRequest req, StreamObserver<ShutdownWorkerResponse> out) {
    replyNow(
        out,
        () -> {
          // First: polls still on their way from this worker must not reload its sticky queue.
          engine.workerShutDown(req.getWorkerInstanceKey());
          // Like unloading the sticky queue: queries stop waiting for the departed worker.
          engine.queries.stickyQueueShutDown(namespaceId(req.getNamespace()), req.getStickyTaskQueue());
          engine.stickyQueueShutDown(namespaceId(req.getNamespace()), req.getStickyTaskQueue());
          return ShutdownWorkerResponse.getDefaultInstance();
        });
  }
}
