package dev.sundial.server.frontend;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsResponse;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkerBuildIdCompatibilityRequest;
import io.temporal.api.workflowservice.v1.GetWorkerBuildIdCompatibilityResponse;
import io.temporal.api.workflowservice.v1.GetWorkerTaskReachabilityRequest;
import io.temporal.api.workflowservice.v1.GetWorkerTaskReachabilityResponse;
import io.temporal.api.workflowservice.v1.GetWorkerVersioningRulesRequest;
import io.temporal.api.workflowservice.v1.GetWorkerVersioningRulesResponse;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsResponse;
import io.temporal.api.workflowservice.v1.PollActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PollActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkerBuildIdCompatibilityRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkerBuildIdCompatibilityResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkerVersioningRulesRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkerVersioningRulesResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;

/**
 * The WorkflowService calls Sundial does not implement, answered UNIMPLEMENTED with a message
 * saying what is missing, rather than gRPC's bare "method not found".
 */
abstract class UnimplementedCalls extends WorkflowServiceGrpc.WorkflowServiceImplBase {
  /**
   * Temporal's first worker versioning API (build-id compatibility sets, versioning rules,
   * reachability), deprecated there in favour of Worker Deployments; Sundial implements neither
   * and says so, rather than gRPC's bare "method not found".
   */
  static final String LEGACY_VERSIONING = "worker build-id versioning (build-id compatibility,"
      + " versioning rules and task reachability, deprecated in Temporal) is not implemented by"
      + " Sundial: run workers without build ids, or with versioning off";

  private static <T> void legacyVersioning(StreamObserver<T> out) {
    out.onError(Status.UNIMPLEMENTED.withDescription(LEGACY_VERSIONING).asRuntimeException());
  }

  @Override
  public void updateWorkerBuildIdCompatibility(UpdateWorkerBuildIdCompatibilityRequest req,
      StreamObserver<UpdateWorkerBuildIdCompatibilityResponse> out) {
    legacyVersioning(out);
  }

  @Override
  public void getWorkerBuildIdCompatibility(GetWorkerBuildIdCompatibilityRequest req,
      StreamObserver<GetWorkerBuildIdCompatibilityResponse> out) {
    legacyVersioning(out);
  }

  @Override
  public void updateWorkerVersioningRules(UpdateWorkerVersioningRulesRequest req,
      StreamObserver<UpdateWorkerVersioningRulesResponse> out) {
    legacyVersioning(out);
  }

  @Override
  public void getWorkerVersioningRules(GetWorkerVersioningRulesRequest req,
      StreamObserver<GetWorkerVersioningRulesResponse> out) {
    legacyVersioning(out);
  }

  @Override
  public void getWorkerTaskReachability(GetWorkerTaskReachabilityRequest req,
      StreamObserver<GetWorkerTaskReachabilityResponse> out) {
    legacyVersioning(out);
  }

  // ------------------------------------------------------------------ standalone activities

  /** Activity executions started on their own, without a workflow (Temporal's newest API). */
  static final String STANDALONE_ACTIVITIES = "standalone activity executions are not implemented"
      + " by Sundial yet: run the activity from a workflow";

  private static <T> void standaloneActivities(StreamObserver<T> out) {
    out.onError(Status.UNIMPLEMENTED.withDescription(STANDALONE_ACTIVITIES).asRuntimeException());
  }

  @Override
  public void startActivityExecution(StartActivityExecutionRequest req,
      StreamObserver<StartActivityExecutionResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void describeActivityExecution(DescribeActivityExecutionRequest req,
      StreamObserver<DescribeActivityExecutionResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void pollActivityExecution(PollActivityExecutionRequest req,
      StreamObserver<PollActivityExecutionResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void listActivityExecutions(ListActivityExecutionsRequest req,
      StreamObserver<ListActivityExecutionsResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void countActivityExecutions(CountActivityExecutionsRequest req,
      StreamObserver<CountActivityExecutionsResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void requestCancelActivityExecution(RequestCancelActivityExecutionRequest req,
      StreamObserver<RequestCancelActivityExecutionResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void terminateActivityExecution(TerminateActivityExecutionRequest req,
      StreamObserver<TerminateActivityExecutionResponse> out) {
    standaloneActivities(out);
  }

  @Override
  public void deleteActivityExecution(DeleteActivityExecutionRequest req,
      StreamObserver<DeleteActivityExecutionResponse> out) {
    standaloneActivities(out);
  }
}
