package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.TerminatedFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests over gRPC's 4 MB message limit, through the SDK over a real socket: refused with
 * RESOURCE_EXHAUSTED in grpc-go's words, as by Temporal's frontend, which the SDK recognises and
 * does not retry. A workflow task completion that large makes the SDK fail the task with
 * GRPC_MESSAGE_TOO_LARGE, and the workflow is terminated as Temporal does.
 */
class MessageSizeTest {
  static final int FIVE_MB = 5 * 1024 * 1024;
  private static Path dir;
  private static Sundial sundial;
  private static WorkflowServiceStubs stubs;
  private static WorkflowClient client;
  private static WorkerFactory factory;

  @WorkflowInterface
  public interface Big {
    @WorkflowMethod
    String run(boolean bigResult);

    @QueryMethod
    String bigAnswer();

    @SignalMethod
    void finish();
  }

  public static class BigImpl implements Big {
    private boolean finished;

    @Override
    public String run(boolean bigResult) {
      if (bigResult) {
        return "x".repeat(FIVE_MB);
      }
      Workflow.await(() -> finished);
      return "small";
    }

    @Override
    public String bigAnswer() {
      return "y".repeat(FIVE_MB);
    }

    @Override
    public void finish() {
      finished = true;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("sundial-message-size");
    sundial = Sundial.builder().dbFile(dir.resolve("s.db")).grpc("127.0.0.1", 0).start();
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + sundial.grpcPort())
                .build());
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker("big");
    worker.registerWorkflowImplementationTypes(BigImpl.class);
    factory.start();
  }

  @AfterAll
  static void stop() {
    factory.shutdownNow();
    stubs.shutdownNow();
    sundial.close();
    CompatServer.deleteRecursively(dir);
  }

  private static Big stub(String id) {
    return client.newWorkflowStub(
        Big.class, WorkflowOptions.newBuilder().setTaskQueue("big").setWorkflowId(id).build());
  }

  private static StatusRuntimeException grpcCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) return s;
    }
    throw new AssertionError("no gRPC status in " + t, t);
  }

  @Test
  void aStartOverTheLimitIsRefusedInGrpcGosWords() {
    Big big = stub("too-big-start-" + UUID.randomUUID());
    WorkflowStub untyped = WorkflowStub.fromTyped(big);
    String input = "z".repeat(FIVE_MB);
    assertThatThrownBy(() -> untyped.start(input))
        .isInstanceOf(WorkflowServiceException.class)
        .satisfies(e -> {
          StatusRuntimeException grpc = grpcCause(e);
          assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          // The SDK compresses requests, so this is grpc-go's after-decompression wording.
          assertThat(grpc.getStatus().getDescription())
              .isEqualTo("grpc: received message after decompression larger than max 4194304");
          // The SDK recognised it (and so did not retry).
          assertThat(grpc.getClass().getSimpleName()).isEqualTo("GrpcMessageTooLargeException");
        });
  }

  @Test
  void aWorkflowTaskCompletionOverTheLimitTerminatesTheWorkflow() {
    String id = "too-big-result-" + UUID.randomUUID();
    Big big = stub(id);
    assertThatThrownBy(() -> big.run(true))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(TerminatedFailure.class);
    List<HistoryEvent> history = CompatServer.history(stubs, id, "");
    HistoryEvent terminated =
        CompatServer.eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED).get(0);
    assertThat(terminated.getWorkflowExecutionTerminatedEventAttributes().getReason())
        .isEqualTo("GrpcMessageTooLarge");
    assertThat(CompatServer.eventsOfType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED))
        .isEmpty();
  }

  @Test
  void aQueryAnswerOverTheLimitIsAnErrorToTheCaller() {
    String id = "too-big-query-" + UUID.randomUUID();
    Big big = stub(id);
    WorkflowClient.start(big::run, false);
    // The worker could not send the answer and says so as the query's failure.
    assertThatThrownBy(big::bigAnswer)
        .satisfies(e -> assertThat(grpcCause(e).getStatus().getDescription())
            .startsWith("Failed to send query response: RESOURCE_EXHAUSTED: grpc: received message"));
    big.finish();
    assertThat(WorkflowStub.fromTyped(big).getResult(String.class)).isEqualTo("small");
  }
}
