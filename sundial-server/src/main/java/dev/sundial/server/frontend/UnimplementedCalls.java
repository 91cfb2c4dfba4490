package dev.sundial.server.frontend;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.GetWorkerBuildIdCompatibilityRequest;
import io.temporal.api.workflowservice.v1.GetWorkerBuildIdCompatibilityResponse;
import io.temporal.api.workflowservice.v1.GetWorkerTaskReachabilityRequest;
import io.temporal.api.workflowservice.v1.GetWorkerTaskReachabilityResponse;
import io.temporal.api.workflowservice.v1.GetWorkerVersioningRulesRequest;
import io.temporal.api.workflowservice.v1.GetWorkerVersioningRulesResponse;
import io.temporal.api.workflowservice.v1.PauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PauseActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.ResetActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.UnpauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.UnpauseActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.UpdateActivityExecutionOptionsRequest;
import io.temporal.api.workflowservice.v1.UpdateActivityExecutionOptionsResponse;
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

  /**
   * Temporal's operator commands on standalone activity executions, which it announces with a
   * namespace capability Sundial leaves off.
   */
  static final String ACTIVITY_OPERATOR_COMMANDS = "pausing, unpausing, resetting and updating the"
      + " options of activity executions is not implemented by Sundial: cancel or terminate the"
      + " activity and start it again";

  private static <T> void activityOperatorCommand(StreamObserver<T> out) {
    out.onError(
        Status.UNIMPLEMENTED.withDescription(ACTIVITY_OPERATOR_COMMANDS).asRuntimeException());
  }

  @Override
  public void pauseActivityExecution(PauseActivityExecutionRequest req,
      StreamObserver<PauseActivityExecutionResponse> out) {
    activityOperatorCommand(out);
  }

  @Override
  public void unpauseActivityExecution(UnpauseActivityExecutionRequest req,
      StreamObserver<UnpauseActivityExecutionResponse> out) {
    activityOperatorCommand(out);
  }

  @Override
  public void resetActivityExecution(ResetActivityExecutionRequest req,
      StreamObserver<ResetActivityExecutionResponse> out) {
    activityOperatorCommand(out);
  }

  @Override
  public void updateActivityExecutionOptions(UpdateActivityExecutionOptionsRequest req,
      StreamObserver<UpdateActivityExecutionOptionsResponse> out) {
    activityOperatorCommand(out);
  }
}
