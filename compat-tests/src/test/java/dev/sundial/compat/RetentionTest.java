package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Namespace retention with a 1-second retention (allowed by Sundial.Builder#minRetention, a test
 * setting): closed executions disappear (describe and history answer NOT_FOUND), open ones stay,
 * and the deletions that were due while the server was down happen after a restart.
 */
class RetentionTest {
  static final String NS = "retention-test";

  private Path dir;
  private Sundial sundial;
  private WorkflowServiceStubs stubs;
  private WorkerFactory factory;

  @WorkflowInterface
  public interface Waiter {
    @WorkflowMethod
    String run(boolean wait);

    @SignalMethod
    void release();
  }

  public static class WaiterImpl implements Waiter {
    private boolean released;

    @Override
    public String run(boolean wait) {
      if (wait) {
        Workflow.await(() -> released);
      }
      return "finished";
    }

    @Override
    public void release() {
      released = true;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory("sundial-retention");
    start();
  }

  @AfterEach
  void tearDown() {
    stop();
    CompatServer.deleteRecursively(dir);
  }

  private void start() {
    sundial =
        Sundial.builder().dbFile(dir.resolve("sundial.db")).minRetention(Duration.ofSeconds(1)).start();
    stubs = sundial.newWorkflowServiceStubs();
  }

  private void stop() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(10, TimeUnit.SECONDS);
      factory = null;
    }
    if (stubs != null) {
      stubs.shutdownNow();
      stubs = null;
    }
    if (sundial != null) {
      sundial.close();
      sundial = null;
    }
  }

  private WorkflowServiceGrpc.WorkflowServiceBlockingStub api() {
    return stubs.blockingStub();
  }

  private WorkflowClient client() {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(NS).build());
  }

  private void startWorker(String queue) {
    factory = WorkerFactory.newInstance(client());
    Worker w = factory.newWorker(queue);
    w.registerWorkflowImplementationTypes(WaiterImpl.class);
    factory.start();
  }

  private void register(Duration retention) {
    api().registerNamespace(
        RegisterNamespaceRequest.newBuilder()
            .setNamespace(NS)
            .setWorkflowExecutionRetentionPeriod(
                com.google.protobuf.Duration.newBuilder()
                    .setSeconds(retention.getSeconds())
                    .setNanos(retention.getNano()))
            .build());
  }

  private Status.Code describeStatus(String workflowId, String runId) {
    try {
      var d = api().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(NS)
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
              .build());
      return d.getWorkflowExecutionInfo().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? Status.Code.OK
          : Status.Code.ALREADY_EXISTS; // closed but still kept
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private Status.Code historyStatus(String workflowId, String runId) {
    try {
      api().getWorkflowExecutionHistory(
          GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace(NS)
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
              .build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private String run(String queue, String workflowId, boolean wait) {
    WorkflowStub stub =
        client().newUntypedWorkflowStub(
            "Waiter", WorkflowOptions.newBuilder().setTaskQueue(queue).setWorkflowId(workflowId).build());
    String runId = stub.start(wait).getRunId();
    if (!wait) {
      try {
        assertThat(stub.getResult(30, TimeUnit.SECONDS, String.class)).isEqualTo("finished");
      } catch (TimeoutException e) {
        throw new AssertionError("workflow " + workflowId + " did not finish", e);
      }
    }
    return runId;
  }

  @Test
  void closedExecutionsDisappearAfterRetentionAndOpenOnesStay() {
    register(Duration.ofSeconds(1));
    startWorker("retention-q");
    List<String[]> closed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "closed-" + i;
      closed.add(new String[] {id, run("retention-q", id, false)});
    }
    String openRun = run("retention-q", "open", true);

    for (String[] c : closed) {
      CompatServer.await(Duration.ofSeconds(20), "closed " + c[0] + " deleted", () ->
          describeStatus(c[0], c[1]) == Status.Code.NOT_FOUND);
      assertThat(historyStatus(c[0], c[1])).isEqualTo(Status.Code.NOT_FOUND);
      // Without a run id too: the current-run pointer went with it.
      assertThat(describeStatus(c[0], "")).isEqualTo(Status.Code.NOT_FOUND);
    }
    // Well past the retention, the open workflow is still there.
    sleep(1500);
    assertThat(describeStatus("open", openRun)).isEqualTo(Status.Code.OK);
    assertThat(historyStatus("open", openRun)).isEqualTo(Status.Code.OK);

    // Once it closes, it goes too.
    client().newUntypedWorkflowStub("open").signal("release");
    CompatServer.await(Duration.ofSeconds(20), "released workflow deleted", () ->
        describeStatus("open", openRun) == Status.Code.NOT_FOUND);
  }

  @Test
  void retentionChangesApplyToRunsClosedAfterwardsAndSurviveRestart() {
    register(Duration.ofHours(1));
    startWorker("retention-q2");
    String keptRun = run("retention-q2", "kept", false); // closed under the 1 h retention

    // Retention lowered to 3 s: runs closing from now on are deleted 3 s after they close.
    api().updateNamespace(
        UpdateNamespaceRequest.newBuilder()
            .setNamespace(NS)
            .setConfig(
                NamespaceConfig.newBuilder()
                    .setWorkflowExecutionRetentionTtl(
                        com.google.protobuf.Duration.newBuilder().setSeconds(3)))
            .build());
    assertThat(
            api().describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(NS).build())
                .getConfig().getWorkflowExecutionRetentionTtl().getSeconds())
        .isEqualTo(3);
    String shortRun = run("retention-q2", "short", false);
    assertThat(describeStatus("short", shortRun)).isEqualTo(Status.Code.ALREADY_EXISTS);

    // Down while the deletion falls due; it happens after the restart.
    stop();
    sleep(3500);
    start();
    CompatServer.await(Duration.ofSeconds(20), "deleted after restart", () ->
        describeStatus("short", shortRun) == Status.Code.NOT_FOUND);
    assertThat(describeStatus("kept", keptRun)).isEqualTo(Status.Code.ALREADY_EXISTS);
  }

  @Test
  void retentionBelowTheMinimumIsRejected() {
    var tooShort =
        CompatServer.expectStatus(() -> api().registerNamespace(
            RegisterNamespaceRequest.newBuilder()
                .setNamespace("too-short")
                .setWorkflowExecutionRetentionPeriod(
                    com.google.protobuf.Duration.newBuilder().setNanos(500_000_000))
                .build()));
    assertThat(tooShort.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(tooShort.getStatus().getDescription()).contains("retention");

    // Without the test setting, Temporal's minimum (one hour) applies.
    stop();
    sundial = Sundial.builder().dbFile(dir.resolve("sundial.db")).start();
    stubs = sundial.newWorkflowServiceStubs();
    var belowHour =
        CompatServer.expectStatus(() -> api().registerNamespace(
            RegisterNamespaceRequest.newBuilder()
                .setNamespace("below-hour")
                .setWorkflowExecutionRetentionPeriod(
                    com.google.protobuf.Duration.newBuilder().setSeconds(59 * 60))
                .build()));
    assertThat(belowHour.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    api().registerNamespace(
        RegisterNamespaceRequest.newBuilder()
            .setNamespace("one-day")
            .setWorkflowExecutionRetentionPeriod(
                com.google.protobuf.Duration.newBuilder().setSeconds(24 * 3600))
            .build());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
