package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.temporal.api.workflowservice.v1.GetWorkerBuildIdCompatibilityRequest;
import io.temporal.api.workflowservice.v1.GetWorkerTaskReachabilityRequest;
import io.temporal.api.workflowservice.v1.PauseActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkerVersioningRulesRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calls Sundial does not implement (Temporal's deprecated build-id versioning API, the operator
 * commands on standalone activity executions): UNIMPLEMENTED, with a message saying what.
 */
class UnimplementedCallsTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @Test
  void buildIdVersioningCallsSayTheyAreNotImplemented() {
    var calls = new Runnable[] {
        () -> sundial.blockingStub().getWorkerBuildIdCompatibility(
            GetWorkerBuildIdCompatibilityRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .setTaskQueue("q").build()),
        () -> sundial.blockingStub().updateWorkerVersioningRules(
            UpdateWorkerVersioningRulesRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .setTaskQueue("q").build()),
        () -> sundial.blockingStub().getWorkerTaskReachability(
            GetWorkerTaskReachabilityRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .addBuildIds("b1").build())};
    for (Runnable call : calls) {
      var e = CompatServer.expectStatus(call);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(e.getStatus().getDescription())
          .contains("worker build-id versioning").contains("deprecated in Temporal");
    }
  }

  @Test
  void activityExecutionOperatorCommandsSayTheyAreNotImplemented() {
    var calls = new Runnable[] {
        () -> sundial.blockingStub().pauseActivityExecution(
            PauseActivityExecutionRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .setActivityId("a").build()),
        () -> sundial.blockingStub().resetActivityExecution(
            ResetActivityExecutionRequest.newBuilder().setNamespace(CompatServer.NAMESPACE)
                .setActivityId("a").build())};
    for (Runnable call : calls) {
      var e = CompatServer.expectStatus(call);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(e.getStatus().getDescription())
          .contains("activity executions is not implemented by Sundial");
    }
  }
}
