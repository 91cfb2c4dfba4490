package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.expectStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.errordetails.v1.NamespaceNotFoundFailure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.serviceclient.StatusUtils;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input gets INVALID_ARGUMENT (or NOT_FOUND for an unknown namespace) with a message that names
 * the problem, and leaves nothing behind.
 */
class MalformedRequestTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  private StartWorkflowExecutionRequest.Builder validStart(String workflowId) {
    return StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName("AnyWorkflow"))
        .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
        .setIdentity("compat-test")
        .setRequestId(UUID.randomUUID().toString());
  }

  private StatusRuntimeException start(StartWorkflowExecutionRequest request) {
    return expectStatus(() -> sundial.blockingStub().startWorkflowExecution(request));
  }

  /** Nothing was created for this workflow id in the default namespace. */
  private void assertNoExecution(String workflowId) {
    StatusRuntimeException e =
        expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setExecution(CompatServer.execution(workflowId, null))
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("Describe of %s: %s", workflowId, e.getStatus())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void controlValidRequestIsAccepted() {
    // The same request builder without a defect succeeds, so the failures below are about the
    // defect.
    String id = sundial.newWorkflowId("malformed-control");
    assertThat(sundial.blockingStub().startWorkflowExecution(validStart(id).build()).getRunId())
        .isNotEmpty();
  }

  @Test
  void missingNamespace() {
    String id = sundial.newWorkflowId("malformed-no-namespace");
    StatusRuntimeException e = start(validStart(id).clearNamespace().build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("namespace");
    assertNoExecution(id);
  }

  @Test
  void emptyWorkflowId() {
    StatusRuntimeException e = start(validStart("").build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("WorkflowId");
  }

  @Test
  void missingWorkflowType() {
    String id = sundial.newWorkflowId("malformed-no-type");
    StatusRuntimeException e = start(validStart(id).clearWorkflowType().build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("WorkflowType");
    assertNoExecution(id);
  }

  @Test
  void missingTaskQueue() {
    String id = sundial.newWorkflowId("malformed-no-queue");
    StatusRuntimeException e = start(validStart(id).clearTaskQueue().build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("TaskQueue");
    assertNoExecution(id);
  }

  @Test
  void unknownNamespace() {
    String id = sundial.newWorkflowId("malformed-unknown-namespace");
    String namespace = "no-such-namespace-" + UUID.randomUUID().toString().substring(0, 8);
    StatusRuntimeException e = start(validStart(id).setNamespace(namespace).build());
    assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains(namespace);
    NamespaceNotFoundFailure details = StatusUtils.getFailure(e, NamespaceNotFoundFailure.class);
    assertThat(details).as("NamespaceNotFoundFailure in the status details").isNotNull();
    assertThat(details.getNamespace()).isEqualTo(namespace);
    assertNoExecution(id);
  }

  @Test
  void negativeTimeouts() {
    String id = sundial.newWorkflowId("malformed-negative-timeout");
    Duration negative =
        Duration.newBuilder().setSeconds(-1).build();

    StatusRuntimeException e = start(validStart(id).setWorkflowExecutionTimeout(negative).build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("WorkflowExecutionTimeout");

    e = start(validStart(id).setWorkflowRunTimeout(negative).build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("WorkflowRunTimeout");

    e = start(validStart(id).setWorkflowTaskTimeout(negative).build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("WorkflowTaskTimeout");

    assertNoExecution(id);
  }

  @Test
  void payloadOverTwoMegabytes() {
    String id = sundial.newWorkflowId("malformed-big-payload");
    byte[] big = new byte[2 * 1024 * 1024 + 512 * 1024];
    Payload payload =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFrom("binary/plain", StandardCharsets.UTF_8))
            .setData(ByteString.copyFrom(big))
            .build();
    StatusRuntimeException e =
        start(validStart(id).setInput(Payloads.newBuilder().addPayloads(payload)).build());
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("size");
    assertNoExecution(id);
  }

  @Test
  void badActivityTaskToken() {
    StatusRuntimeException e =
        expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .respondActivityTaskCompleted(
                        RespondActivityTaskCompletedRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setTaskToken(
                                ByteString.copyFrom("not-a-task-token", StandardCharsets.UTF_8))
                            .setIdentity("compat-test")
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("token");

    StatusRuntimeException empty =
        expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .respondActivityTaskCompleted(
                        RespondActivityTaskCompletedRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setIdentity("compat-test")
                            .build()));
    assertThat(empty.getStatus().getCode())
        .as("%s", empty.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(empty.getStatus().getDescription()).containsIgnoringCase("token");
  }

  @Test
  void badWorkflowTaskToken() {
    StatusRuntimeException e =
        expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .respondWorkflowTaskCompleted(
                        RespondWorkflowTaskCompletedRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setTaskToken(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5}))
                            .setIdentity("compat-test")
                            .build()));
    assertThat(e.getStatus().getCode())
        .as("%s", e.getStatus())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).containsIgnoringCase("token");
  }

  @Test
  void serverStillServesAfterBadInput() {
    // After all the above (in any order), a normal start still works.
    String id = sundial.newWorkflowId("malformed-after");
    start(validStart(id).clearNamespace().build());
    String runId = sundial.blockingStub().startWorkflowExecution(validStart(id).build()).getRunId();
    assertThat(sundial.describe(id, runId).getWorkflowExecutionInfo().getExecution().getRunId())
        .isEqualTo(runId);
  }
}
