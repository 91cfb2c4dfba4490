package dev.sundial.server.frontend;

import dev.sundial.engine.Describer;
import dev.sundial.engine.Engine;
import dev.sundial.engine.TaskQueueDescriber;
import dev.sundial.engine.api.EngineException;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.*;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsRequest;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Temporal WorkflowService over the engine: validates requests, resolves namespaces, maps
 * errors to gRPC statuses. The only layer that knows gRPC. The RPCs workers call (task polls and
 * results, heartbeats, query answers) are in {@link WorkerFrontend}; these are the ones clients
 * call.
 */
public final class WorkflowFrontend extends WorkerFrontend {
  private final NamespaceHandler namespaceHandler;
  private final UpdateHandler updates;
  private final ResetHandler resets;
  private final TaskQueueDescriber taskQueues;
  private final VisibilityHandler visibility;
  private final ScheduleHandler schedules;
  private final BatchHandler batches;
  private final VisibilityAdmission admission;
  private final GetClusterInfoResponse clusterInfo;

  public WorkflowFrontend(
      Engine engine, VisibilityAdmission.Limits visibilityLimits, GetClusterInfoResponse clusterInfo) {
    super(engine);
    this.admission = new VisibilityAdmission(visibilityLimits);
    this.clusterInfo = clusterInfo;
    this.updates = new UpdateHandler(engine, validate);
    this.resets = new ResetHandler(engine);
    this.taskQueues = new TaskQueueDescriber(engine);
    this.namespaceHandler = new NamespaceHandler(namespaces);
    this.visibility = new VisibilityHandler(engine);
    this.schedules = new ScheduleHandler(engine, validate);
    this.batches = new BatchHandler(engine, validate);
  }

  /** A visibility query, admitted by the per-namespace rate and the concurrency bound. */
  private <T> T visible(String namespace, Function<String, T> query) {
    String ns = namespaceId(namespace);
    return admission.run(ns, () -> query.apply(ns));
  }

  // ------------------------------------------------------------------ system & namespaces

  @Override
  public void getSystemInfo(GetSystemInfoRequest req, StreamObserver<GetSystemInfoResponse> out) {
    replyNow(out, SystemInfo::response);
  }

  @Override
  public void registerNamespace(RegisterNamespaceRequest req, StreamObserver<RegisterNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.register(req));
  }

  @Override
  public void describeNamespace(DescribeNamespaceRequest req, StreamObserver<DescribeNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.describe(req));
  }

  @Override
  public void listNamespaces(ListNamespacesRequest req, StreamObserver<ListNamespacesResponse> out) {
    replyNow(out, () -> namespaceHandler.list(req));
  }

  @Override
  public void updateNamespace(UpdateNamespaceRequest req, StreamObserver<UpdateNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.update(req));
  }

  // ------------------------------------------------------------------ workflows

  @Override
  public void startWorkflowExecution(
      StartWorkflowExecutionRequest req, StreamObserver<StartWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          validate.start(req);
          StartWorkflowExecutionRequest r =
              req.getRequestId().isEmpty()
                  ? req.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
                  : req;
          return engine.workflows.start(ns, withSearchAttributes(ns, r));
        });
  }

  @Override
  public void terminateWorkflowExecution(
      TerminateWorkflowExecutionRequest req, StreamObserver<TerminateWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
          return engine.workflows
              .terminate(
                  ns, req.getWorkflowExecution().getWorkflowId(),
                  req.getWorkflowExecution().getRunId(), req.getReason(),
                  req.hasDetails() ? req.getDetails() : null, req.getIdentity())
              .thenApply(v -> TerminateWorkflowExecutionResponse.getDefaultInstance());
        });
  }

  @Override
  public void signalWorkflowExecution(
      SignalWorkflowExecutionRequest req, StreamObserver<SignalWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
          if (req.getSignalName().isEmpty()) {
            throw RequestValidator.invalid("SignalName is not set on request.");
          }
          validate.payload(req.getInput(), "Input");
          return engine.workflows
              .signal(ns, req)
              .thenApply(v -> SignalWorkflowExecutionResponse.getDefaultInstance());
        });
  }

  @Override
  public void requestCancelWorkflowExecution(
      RequestCancelWorkflowExecutionRequest req,
      StreamObserver<RequestCancelWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
          return engine.workflows
              .requestCancel(ns, req)
              .thenApply(v -> RequestCancelWorkflowExecutionResponse.getDefaultInstance());
        });
  }

  @Override
  public void signalWithStartWorkflowExecution(
      SignalWithStartWorkflowExecutionRequest req,
      StreamObserver<SignalWithStartWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          validate.signalWithStart(req);
          SignalWithStartWorkflowExecutionRequest r =
              req.getRequestId().isEmpty()
                  ? req.toBuilder().setRequestId(UUID.randomUUID().toString()).build()
                  : req;
          if (r.hasSearchAttributes()) {
            r = r.toBuilder()
                .setSearchAttributes(
                    engine.visibility.validate(ns, r.getNamespace(), r.getSearchAttributes()))
                .build();
          }
          return engine.workflows.signalWithStart(ns, r);
        });
  }

  @Override
  public void deleteWorkflowExecution(
      DeleteWorkflowExecutionRequest req, StreamObserver<DeleteWorkflowExecutionResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
          return engine.workflows
              .delete(ns, req.getWorkflowExecution().getWorkflowId(), req.getWorkflowExecution().getRunId())
              .thenApply(v -> DeleteWorkflowExecutionResponse.getDefaultInstance());
        });
  }

  @Override
  public void getWorkflowExecutionHistory(
      GetWorkflowExecutionHistoryRequest req,
      StreamObserver<GetWorkflowExecutionHistoryResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getExecution().getWorkflowId());
          return engine.history.getHistory(ns, req, longPollMillis());
        });
  }

  @Override
  public void getWorkflowExecutionHistoryReverse(
      GetWorkflowExecutionHistoryReverseRequest req,
      StreamObserver<GetWorkflowExecutionHistoryReverseResponse> out) {
    replyNow(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getExecution().getWorkflowId());
          return engine.history.getHistoryReverse(ns, req);
        });
  }

  @Override
  public void listArchivedWorkflowExecutions(
      ListArchivedWorkflowExecutionsRequest req,
      StreamObserver<ListArchivedWorkflowExecutionsResponse> out) {
    replyNow(
        out,
        () -> {
          namespaceId(req.getNamespace());
          throw new EngineException(
              EngineException.Code.FAILED_PRECONDITION,
              "Cluster is not configured for visibility archival.");
        });
  }

  @Override
  public void getClusterInfo(GetClusterInfoRequest req, StreamObserver<GetClusterInfoResponse> out) {
    replyNow(out, () -> clusterInfo);
  }

  @Override
  public void resetWorkflowExecution(
      ResetWorkflowExecutionRequest req, StreamObserver<ResetWorkflowExecutionResponse> out) {
    reply(out, () -> resets.reset(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void describeTaskQueue(
      DescribeTaskQueueRequest req, StreamObserver<DescribeTaskQueueResponse> out) {
    replyNow(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.taskQueue(req.getTaskQueue(), "request");
          return taskQueues.describe(ns, req);
        });
  }

  @Override
  public void listTaskQueuePartitions(
      ListTaskQueuePartitionsRequest req,
      StreamObserver<ListTaskQueuePartitionsResponse> out) {
    replyNow(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.taskQueue(req.getTaskQueue(), "request");
          return taskQueues.partitions(ns, req.getTaskQueue().getName(), "local");
        });
  }

  @Override
  public void describeWorkflowExecution(
      DescribeWorkflowExecutionRequest req, StreamObserver<DescribeWorkflowExecutionResponse> out) {
    replyNow(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          RequestValidator.workflowId(req.getExecution().getWorkflowId());
          return Describer.describe(
              engine.history.readState(
                  ns, req.getExecution().getWorkflowId(), req.getExecution().getRunId()));
        });
  }

  // ------------------------------------------------------------------ queries & stickiness

  @Override
  public void queryWorkflow(QueryWorkflowRequest req, StreamObserver<QueryWorkflowResponse> out) {
    reply(
        out,
        () -> {
          String ns = namespaceId(req.getNamespace());
          validate.query(req);
          return engine.queries.query(ns, req, queryBudgetMillis());
        });
  }

  /** A query waits for its worker until shortly before the caller's deadline (at most the long-poll limit). */
  private long queryBudgetMillis() {
    long budget = limits.longPollMillis();
    Deadline d = Context.current().getDeadline();
    if (d != null) {
      long remaining = d.timeRemaining(TimeUnit.MILLISECONDS);
      budget = Math.min(budget, Math.max(remaining - 500, remaining / 2));
    }
    return Math.max(budget, 0);
  }

  // ------------------------------------------------------------------ workflow updates

  @Override
  public void updateWorkflowExecution(
      UpdateWorkflowExecutionRequest req, StreamObserver<UpdateWorkflowExecutionResponse> out) {
    reply(out, () -> updates.update(namespaceId(req.getNamespace()), req, longPollMillis()));
  }

  @Override
  public void pollWorkflowExecutionUpdate(
      PollWorkflowExecutionUpdateRequest req,
      StreamObserver<PollWorkflowExecutionUpdateResponse> out) {
    reply(out, () -> updates.poll(namespaceId(req.getNamespace()), req, longPollMillis()));
  }

  @Override
  public void executeMultiOperation(
      ExecuteMultiOperationRequest req, StreamObserver<ExecuteMultiOperationResponse> out) {
    reply(
        out, () -> updates.multiOperation(namespaceId(req.getNamespace()), req, longPollMillis()));
  }

  // ------------------------------------------------------------------ visibility

  /** The start request with its search attributes checked and typed (INVALID_ARGUMENT if bad). */
  private StartWorkflowExecutionRequest withSearchAttributes(
      String namespaceId, StartWorkflowExecutionRequest r) {
    if (!r.hasSearchAttributes()) {
      return r;
    }
    return r.toBuilder()
        .setSearchAttributes(
            engine.visibility.validate(namespaceId, r.getNamespace(), r.getSearchAttributes()))
        .build();
  }

  @Override
  public void listWorkflowExecutions(
      ListWorkflowExecutionsRequest req, StreamObserver<ListWorkflowExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> visibility.list(ns, req)));
  }

  @Override
  public void scanWorkflowExecutions(
      ScanWorkflowExecutionsRequest req, StreamObserver<ScanWorkflowExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> visibility.scan(ns, req)));
  }

  @Override
  public void countWorkflowExecutions(
      CountWorkflowExecutionsRequest req, StreamObserver<CountWorkflowExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> visibility.count(ns, req)));
  }

  @Override
  public void listOpenWorkflowExecutions(
      ListOpenWorkflowExecutionsRequest req,
      StreamObserver<ListOpenWorkflowExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> visibility.listOpen(ns, req)));
  }

  @Override
  public void listClosedWorkflowExecutions(
      ListClosedWorkflowExecutionsRequest req,
      StreamObserver<ListClosedWorkflowExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> visibility.listClosed(ns, req)));
  }

  @Override
  public void getSearchAttributes(
      GetSearchAttributesRequest req, StreamObserver<GetSearchAttributesResponse> out) {
    replyNow(out, visibility::searchAttributes);
  }

  // ------------------------------------------------------------------ schedules

  @Override
  public void createSchedule(CreateScheduleRequest req, StreamObserver<CreateScheduleResponse> out) {
    reply(out, () -> schedules.create(req));
  }

  @Override
  public void describeSchedule(
      DescribeScheduleRequest req, StreamObserver<DescribeScheduleResponse> out) {
    reply(out, () -> schedules.describe(req));
  }

  @Override
  public void updateSchedule(UpdateScheduleRequest req, StreamObserver<UpdateScheduleResponse> out) {
    reply(out, () -> schedules.update(req));
  }

  @Override
  public void patchSchedule(PatchScheduleRequest req, StreamObserver<PatchScheduleResponse> out) {
    reply(out, () -> schedules.patch(req));
  }

  @Override
  public void deleteSchedule(DeleteScheduleRequest req, StreamObserver<DeleteScheduleResponse> out) {
    reply(out, () -> schedules.delete(req));
  }

  @Override
  public void listSchedules(ListSchedulesRequest req, StreamObserver<ListSchedulesResponse> out) {
    reply(out, () -> schedules.list(req));
  }

  @Override
  public void listScheduleMatchingTimes(
      ListScheduleMatchingTimesRequest req, StreamObserver<ListScheduleMatchingTimesResponse> out) {
    reply(out, () -> schedules.matchingTimes(req));
  }

  // ------------------------------------------------------------------ batch operations

  @Override
  public void startBatchOperation(
      StartBatchOperationRequest req, StreamObserver<StartBatchOperationResponse> out) {
    replyNow(out, () -> batches.start(req));
  }

  @Override
  public void stopBatchOperation(
      StopBatchOperationRequest req, StreamObserver<StopBatchOperationResponse> out) {
    replyNow(out, () -> batches.stop(req));
  }

  @Override
  public void describeBatchOperation(
      DescribeBatchOperationRequest req, StreamObserver<DescribeBatchOperationResponse> out) {
    replyNow(out, () -> batches.describe(req));
  }

  @Override
  public void listBatchOperations(
      ListBatchOperationsRequest req, StreamObserver<ListBatchOperationsResponse> out) {
    replyNow(out, () -> batches.list(req));
  }
}
