package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.matching.TaskQueueDescriber;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.*;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsRequest;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Temporal WorkflowService: a table from each RPC to the handler of its group (workflows,
 * updates, resets, namespaces, visibility, schedules, batch operations), with the namespace
 * resolved and errors mapped to gRPC statuses. The only layer that knows gRPC. The RPCs workers
 * call (task polls and results, heartbeats, query answers) are in {@link WorkerFrontend}.
 */
public final class WorkflowFrontend extends WorkerFrontend {
  private final NamespaceHandler namespaceHandler;
  private final WorkflowHandler workflows;
  private final ActivityExecutionHandler activityExecutions;
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
    this.workflows = new WorkflowHandler(engine, validate);
    this.activityExecutions = new ActivityExecutionHandler(engine, validate);
    this.updates = new UpdateHandler(engine, validate);
    this.resets = new ResetHandler(engine);
    this.taskQueues = engine.taskQueues;
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
  public void registerNamespace(
      RegisterNamespaceRequest req, StreamObserver<RegisterNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.register(req));
  }

  @Override
  public void describeNamespace(
      DescribeNamespaceRequest req, StreamObserver<DescribeNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.describe(req));
  }

  @Override
  public void listNamespaces(
      ListNamespacesRequest req, StreamObserver<ListNamespacesResponse> out) {
    replyNow(out, () -> namespaceHandler.list(req));
  }

  @Override
  public void updateNamespace(
      UpdateNamespaceRequest req, StreamObserver<UpdateNamespaceResponse> out) {
    replyNow(out, () -> namespaceHandler.update(req));
  }

  // ------------------------------------------------------------------ workflows

  @Override
  public void startWorkflowExecution(
      StartWorkflowExecutionRequest req, StreamObserver<StartWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.start(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void startActivityExecution(
      StartActivityExecutionRequest req, StreamObserver<StartActivityExecutionResponse> out) {
    reply(out, () -> activityExecutions.start(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void pollActivityExecution(
      PollActivityExecutionRequest req, StreamObserver<PollActivityExecutionResponse> out) {
    reply(out, () -> activityExecutions.poll(namespaceId(req.getNamespace()), req, longPollMillis()));
  }

  @Override
  public void describeActivityExecution(
      DescribeActivityExecutionRequest req, StreamObserver<DescribeActivityExecutionResponse> out) {
    replyNow(out, () -> activityExecutions.describe(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void listActivityExecutions(
      ListActivityExecutionsRequest req, StreamObserver<ListActivityExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> activityExecutions.list(ns, req)));
  }

  @Override
  public void countActivityExecutions(
      CountActivityExecutionsRequest req, StreamObserver<CountActivityExecutionsResponse> out) {
    replyNow(out, () -> visible(req.getNamespace(), ns -> activityExecutions.count(ns, req)));
  }

  @Override
  public void deleteActivityExecution(
      DeleteActivityExecutionRequest req, StreamObserver<DeleteActivityExecutionResponse> out) {
    reply(out, () -> activityExecutions.delete(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void terminateActivityExecution(
      TerminateActivityExecutionRequest req,
      StreamObserver<TerminateActivityExecutionResponse> out) {
    reply(out, () -> activityExecutions.terminate(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void requestCancelActivityExecution(
      RequestCancelActivityExecutionRequest req,
      StreamObserver<RequestCancelActivityExecutionResponse> out) {
    reply(out, () -> activityExecutions.requestCancel(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void terminateWorkflowExecution(
      TerminateWorkflowExecutionRequest req,
      StreamObserver<TerminateWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.terminate(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void signalWorkflowExecution(
      SignalWorkflowExecutionRequest req, StreamObserver<SignalWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.signal(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void requestCancelWorkflowExecution(
      RequestCancelWorkflowExecutionRequest req,
      StreamObserver<RequestCancelWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.requestCancel(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void signalWithStartWorkflowExecution(
      SignalWithStartWorkflowExecutionRequest req,
      StreamObserver<SignalWithStartWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.signalWithStart(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void deleteWorkflowExecution(
      DeleteWorkflowExecutionRequest req, StreamObserver<DeleteWorkflowExecutionResponse> out) {
    reply(out, () -> workflows.delete(namespaceId(req.getNamespace()), req));
  }

  @Override
  public void getWorkflowExecutionHistory(
      GetWorkflowExecutionHistoryRequest req,
      StreamObserver<GetWorkflowExecutionHistoryResponse> out) {
    reply(out, () -> workflows.history(namespaceId(req.getNamespace()), req, longPollMillis()));
  }

  @Override
  public void getWorkflowExecutionHistoryReverse(
      GetWorkflowExecutionHistoryReverseRequest req,
      StreamObserver<GetWorkflowExecutionHistoryReverseResponse> out) {
    replyNow(out, () -> workflows.historyReverse(namespaceId(req.getNamespace()), req));
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
  public void getClusterInfo(
      GetClusterInfoRequest req, StreamObserver<GetClusterInfoResponse> out) {
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
    replyNow(out, () -> workflows.describe(namespaceId(req.getNamespace()), req));
  }

  // ------------------------------------------------------------------ queries & stickiness

  @Override
  public void queryWorkflow(QueryWorkflowRequest req, StreamObserver<QueryWorkflowResponse> out) {
    reply(out, () -> workflows.query(namespaceId(req.getNamespace()), req, queryBudgetMillis()));
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
  public void createSchedule(
      CreateScheduleRequest req, StreamObserver<CreateScheduleResponse> out) {
    reply(out, () -> schedules.create(req));
  }

  @Override
  public void describeSchedule(
      DescribeScheduleRequest req, StreamObserver<DescribeScheduleResponse> out) {
    reply(out, () -> schedules.describe(req));
  }

  @Override
  public void updateSchedule(
      UpdateScheduleRequest req, StreamObserver<UpdateScheduleResponse> out) {
    reply(out, () -> schedules.update(req));
  }

  @Override
  public void patchSchedule(PatchScheduleRequest req, StreamObserver<PatchScheduleResponse> out) {
    reply(out, () -> schedules.patch(req));
  }

  @Override
  public void deleteSchedule(
      DeleteScheduleRequest req, StreamObserver<DeleteScheduleResponse> out) {
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
