package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.Status;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.ScheduleActivityTaskCommandAttributes;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Namespaces isolate tenants: the same workflow id in two namespaces, and tokens stay home. */
class NamespaceIsolationTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface WhereAmI {
    @WorkflowMethod
    String run();
  }

  public static class WhereAmIImpl implements WhereAmI {
    @Override
    public String run() {
      return Workflow.getInfo().getNamespace();
    }
  }

  private void registerNamespace(String name) {
    sundial.blockingStub().registerNamespace(
        RegisterNamespaceRequest.newBuilder()
            .setNamespace(name)
            .setWorkflowExecutionRetentionPeriod(
                Duration.newBuilder().setSeconds(24 * 3600))
            .build());
  }

  @Test
  void theSameWorkflowIdLivesIndependentlyInTwoNamespaces() throws Exception {
    String other = "isolation-" + UUID.randomUUID();
    registerNamespace(other);
    WorkflowClient otherClient =
        WorkflowClient.newInstance(
            sundial.stubs(), WorkflowClientOptions.newBuilder().setNamespace(other).build());
    WorkerFactory otherFactory = WorkerFactory.newInstance(otherClient);
    try {
      // Workers on the same task queue name in both namespaces.
      sundial.worker().registerWorkflowImplementationTypes(WhereAmIImpl.class);
      sundial.startWorkers();
      otherFactory.newWorker(sundial.taskQueue()).registerWorkflowImplementationTypes(WhereAmIImpl.class);
      otherFactory.start();

      String id = sundial.newWorkflowId("same-id");
      WorkflowOptions options =
          WorkflowOptions.newBuilder().setTaskQueue(sundial.taskQueue()).setWorkflowId(id).build();
      WhereAmI inDefault = sundial.client().newWorkflowStub(WhereAmI.class, options);
      WhereAmI inOther = otherClient.newWorkflowStub(WhereAmI.class, options);
      assertThat(inDefault.run()).isEqualTo(CompatServer.NAMESPACE);
      assertThat(inOther.run()).isEqualTo(other);

      var d1 = sundial.describe(id, null).getWorkflowExecutionInfo();
      var d2 = sundial.blockingStub().describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(other)
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                  .build())
          .getWorkflowExecutionInfo();
      assertThat(d1.getExecution().getRunId()).isNotEqualTo(d2.getExecution().getRunId());
      // Neither namespace sees the other's run.
      var cross = CompatServer.expectStatus(() -> sundial.describe(id, d2.getExecution().getRunId()));
      assertThat(cross.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

      // A running workflow with the same id in each; terminating one leaves the other running.
      String queue = sundial.taskQueue() + "-idle";
      String runId = UUID.randomUUID().toString();
      for (String ns : new String[] {CompatServer.NAMESPACE, other}) {
        sundial.blockingStub().startWorkflowExecution(
            StartWorkflowExecutionRequest.newBuilder()
                .setNamespace(ns)
                .setWorkflowId(id + "-running")
                .setWorkflowType(WorkflowType.newBuilder().setName("Idle"))
                .setTaskQueue(TaskQueue.newBuilder().setName(queue))
                .setRequestId(runId) // the same request id too
                .build());
      }
      sundial.blockingStub().terminateWorkflowExecution(
          TerminateWorkflowExecutionRequest.newBuilder()
              .setNamespace(CompatServer.NAMESPACE)
              .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id + "-running"))
              .build());
      assertThat(sundial.describe(id + "-running", null).getWorkflowExecutionInfo().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      assertThat(
              sundial.blockingStub().describeWorkflowExecution(
                      DescribeWorkflowExecutionRequest.newBuilder()
                          .setNamespace(other)
                          .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id + "-running"))
                          .build())
                  .getWorkflowExecutionInfo().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    } finally {
      otherFactory.shutdownNow();
      otherFactory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void taskTokensAreRejectedUnderAnotherNamespace() {
    String other = "tokens-" + UUID.randomUUID();
    registerNamespace(other);
    var api = sundial.blockingStub();
    String queue = sundial.taskQueue() + "-raw";
    String id = sundial.newWorkflowId("tokens");
    api.startWorkflowExecution(
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("Raw"))
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setRequestId(UUID.randomUUID().toString())
            .build());

    // The other namespace's queue of the same name is empty.
    var nothing = api.withDeadlineAfter(3, TimeUnit.SECONDS).pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder()
            .setNamespace(other)
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setIdentity("other-poller")
            .build());
    assertThat(nothing.getTaskToken()).isEmpty();

    var task = api.pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setIdentity("raw-poller")
            .build());
    Command schedule =
        Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK)
            .setScheduleActivityTaskCommandAttributes(
                ScheduleActivityTaskCommandAttributes.newBuilder()
                    .setActivityId("a1")
                    .setActivityType(ActivityType.newBuilder().setName("Act"))
                    .setTaskQueue(TaskQueue.newBuilder().setName(queue))
                    .setStartToCloseTimeout(Duration.newBuilder().setSeconds(30)))
            .build();
    RespondWorkflowTaskCompletedRequest.Builder completion =
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setTaskToken(task.getTaskToken())
            .setIdentity("raw-poller")
            .addCommands(schedule);
    var wrongNs = CompatServer.expectStatus(() ->
        api.respondWorkflowTaskCompleted(completion.setNamespace(other).build()));
    assertThat(wrongNs.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(wrongNs.getStatus().getDescription()).contains("different namespace");
    var unknownNs = CompatServer.expectStatus(() ->
        api.respondWorkflowTaskCompleted(completion.setNamespace("no-such-namespace").build()));
    assertThat(unknownNs.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    // Nothing was applied: the right namespace completes the same task.
    api.respondWorkflowTaskCompleted(completion.setNamespace(CompatServer.NAMESPACE).build());

    var activity = api.pollActivityTaskQueue(
        PollActivityTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setIdentity("raw-poller")
            .build());
    assertThat(activity.getTaskToken()).isNotEmpty();
    var heartbeat = CompatServer.expectStatus(() -> api.recordActivityTaskHeartbeat(
        RecordActivityTaskHeartbeatRequest.newBuilder()
            .setNamespace(other)
            .setTaskToken(activity.getTaskToken())
            .build()));
    assertThat(heartbeat.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    var complete = CompatServer.expectStatus(() -> api.respondActivityTaskCompleted(
        RespondActivityTaskCompletedRequest.newBuilder()
            .setNamespace(other)
            .setTaskToken(activity.getTaskToken())
            .build()));
    assertThat(complete.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    api.respondActivityTaskCompleted(
        RespondActivityTaskCompletedRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskToken(activity.getTaskToken())
            .build());
    assertThat(CompatServer.eventsOfType(
            sundial.history(id, null), EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED))
        .hasSize(1);
  }
}
