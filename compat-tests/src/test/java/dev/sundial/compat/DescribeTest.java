package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.DescribeTaskQueueMode;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.PendingWorkflowTaskState;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DescribeWorkflowExecution filled as Temporal fills it (pending activities with retry details,
 * pending children, pending workflow task, config, memo, parent/root, auto-reset points, extended
 * info) and DescribeTaskQueue with the SDK worker's pollers and backlog figures.
 */
class DescribeTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static volatile CountDownLatch HOLDING = new CountDownLatch(1);
  static volatile CountDownLatch RELEASE = new CountDownLatch(1);

  @AfterEach
  void release() {
    RELEASE.countDown();
  }

  @ActivityInterface
  public interface Flaky {
    String work(String value);
  }

  /** Fails its first attempt, then heartbeats and waits to be released. */
  public static class FlakyImpl implements Flaky {
    @Override
    public String work(String value) {
      if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
        throw new IllegalStateException("first attempt fails");
      }
      Activity.getExecutionContext().heartbeat("working on " + value);
      HOLDING.countDown();
      try {
        if (!RELEASE.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return "done " + value;
    }
  }

  @WorkflowInterface
  public interface Child {
    @WorkflowMethod
    String run();

    @SignalMethod
    void go();
  }

  public static class ChildImpl implements Child {
    private boolean go;

    @Override
    public String run() {
      Workflow.await(() -> go);
      return "child done";
    }

    @Override
    public void go() {
      go = true;
    }
  }

  @WorkflowInterface
  public interface Parent {
    @WorkflowMethod
    String run(String childId);
  }

  public static class ParentImpl implements Parent {
    @Override
    public String run(String childId) {
      Child child =
          Workflow.newChildWorkflowStub(
              Child.class, ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
      Promise<String> childResult = Async.function(child::run);
      Workflow.getWorkflowExecution(child).get();
      Flaky flaky =
          Workflow.newActivityStub(
              Flaky.class,
              ActivityOptions.newBuilder()
                  .setScheduleToCloseTimeout(Duration.ofSeconds(120))
                  .setStartToCloseTimeout(Duration.ofSeconds(60))
                  .setHeartbeatTimeout(Duration.ofSeconds(30))
                  .setRetryOptions(
                      RetryOptions.newBuilder()
                          .setInitialInterval(Duration.ofMillis(100))
                          .setMaximumAttempts(5)
                          .build())
                  .build());
      String a = flaky.work("x");
      return a + " / " + childResult.get();
    }
  }

  @Test
  void describeShowsPendingActivitiesChildrenAndResetPoints() throws Exception {
    HOLDING = new CountDownLatch(1);
    RELEASE = new CountDownLatch(1);
    sundial.worker().registerWorkflowImplementationTypes(ParentImpl.class, ChildImpl.class);
    sundial.worker().registerActivitiesImplementations(new FlakyImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("describe-parent");
    String childId = id + "-child";
    Parent parent =
        sundial.client().newWorkflowStub(
            Parent.class,
            sundial.workflowOptions(id).setMemo(Map.of("owner", "tests")).build());
    String runId = WorkflowClient.start(parent::run, childId).getRunId();
    assertThat(HOLDING.await(30, TimeUnit.SECONDS)).as("second attempt running").isTrue();

    DescribeWorkflowExecutionResponse d = sundial.describe(id, null);
    var info = d.getWorkflowExecutionInfo();
    assertThat(info.getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(info.getExecution().getRunId()).isEqualTo(runId);
    assertThat(info.getFirstRunId()).isEqualTo(runId);
    assertThat(info.getHistoryLength()).isGreaterThan(5);
    assertThat(info.getHistorySizeBytes()).isGreaterThan(0);
    assertThat(info.hasExecutionTime()).isTrue();
    assertThat(info.getRootExecution().getRunId()).isEqualTo(runId);
    String owner =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            info.getMemo().getFieldsOrThrow("owner"), String.class, String.class);
    assertThat(owner).isEqualTo("tests");

    // Execution config.
    assertThat(d.getExecutionConfig().getTaskQueue().getName()).isEqualTo(sundial.taskQueue());
    assertThat(d.getExecutionConfig().getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    assertThat(d.getExecutionConfig().getDefaultWorkflowTaskTimeout().getSeconds()).isEqualTo(10);

    // The pending activity: second attempt, started, heartbeating, the first attempt's failure.
    assertThat(d.getPendingActivitiesList()).hasSize(1);
    PendingActivityInfo a = d.getPendingActivities(0);
    assertThat(a.getActivityType().getName()).isEqualTo("Work");
    assertThat(a.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(a.getAttempt()).isEqualTo(2);
    assertThat(a.getMaximumAttempts()).isEqualTo(5);
    assertThat(a.getLastFailure().getMessage()).contains("first attempt fails");
    String identity = sundial.client().getOptions().getIdentity();
    assertThat(a.getLastWorkerIdentity()).isEqualTo(identity);
    assertThat(a.hasScheduledTime()).isTrue();
    assertThat(a.hasLastStartedTime()).isTrue();
    assertThat(a.hasExpirationTime()).isTrue();
    CompatServer.await(Duration.ofSeconds(10), "heartbeat recorded", () ->
        sundial.describe(id, null).getPendingActivities(0).hasLastHeartbeatTime());
    a = sundial.describe(id, null).getPendingActivities(0);
    assertThat(
            DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                0, Optional.of(a.getHeartbeatDetails()), String.class, String.class))
        .isEqualTo("working on x");
    assertThat(a.getActivityOptions().getTaskQueue().getName()).isEqualTo(sundial.taskQueue());
    assertThat(a.getActivityOptions().getHeartbeatTimeout().getSeconds()).isEqualTo(30);
    assertThat(a.getActivityOptions().getRetryPolicy().getMaximumAttempts()).isEqualTo(5);

    // The pending child.
    assertThat(d.getPendingChildrenList()).hasSize(1);
    PendingChildExecutionInfo c = d.getPendingChildren(0);
    assertThat(c.getWorkflowId()).isEqualTo(childId);
    assertThat(c.getWorkflowTypeName()).isEqualTo("Child");
    assertThat(c.getRunId()).isNotEmpty();
    assertThat(c.getInitiatedId()).isGreaterThan(4);
    assertThat(c.getParentClosePolicy()).isEqualTo(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE);

    // The child names its parent and root.
    var childInfo = sundial.describe(childId, null).getWorkflowExecutionInfo();
    assertThat(childInfo.getExecution().getRunId()).isEqualTo(c.getRunId());
    assertThat(childInfo.getParentExecution().getWorkflowId()).isEqualTo(id);
    assertThat(childInfo.getParentExecution().getRunId()).isEqualTo(runId);
    assertThat(childInfo.getParentNamespaceId()).isNotEmpty();
    assertThat(childInfo.getRootExecution().getWorkflowId()).isEqualTo(id);
    assertThat(childInfo.getRootExecution().getRunId()).isEqualTo(runId);

    // Auto-reset points: one, at the first completed workflow task of this worker's build.
    var points = info.getAutoResetPoints().getPointsList();
    assertThat(points).hasSize(1);
    assertThat(points.get(0).getRunId()).isEqualTo(runId);
    assertThat(points.get(0).getFirstWorkflowTaskCompletedId()).isEqualTo(4);
    assertThat(points.get(0).getResettable()).isTrue();
    assertThat(points.get(0).hasCreateTime()).isTrue();

    // Extended info.
    assertThat(d.getWorkflowExtendedInfo().getOriginalStartTime()).isEqualTo(info.getStartTime());
    assertThat(d.getWorkflowExtendedInfo().getCancelRequested()).isFalse();
    assertThat(d.getWorkflowExtendedInfo().getResetRunId()).isEmpty();

    RELEASE.countDown();
    sundial.client().newUntypedWorkflowStub(childId).signal("go");
    assertThat(WorkflowStub.fromTyped(parent).getResult(30, TimeUnit.SECONDS, String.class))
        .isEqualTo("done x / child done");
    DescribeWorkflowExecutionResponse done = sundial.describe(id, runId);
    assertThat(done.getPendingActivitiesList()).isEmpty();
    assertThat(done.getPendingChildrenList()).isEmpty();
    assertThat(done.hasPendingWorkflowTask()).isFalse();
    assertThat(done.getWorkflowExecutionInfo().hasExecutionDuration()).isTrue();
  }

  @Test
  void describeShowsThePendingWorkflowTask() {
    String queue = sundial.taskQueue() + "-nobody";
    String id = sundial.newWorkflowId("describe-wt");
    sundial.blockingStub().startWorkflowExecution(
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("Anything"))
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setRequestId(UUID.randomUUID().toString())
            .build());
    var scheduled = sundial.describe(id, null).getPendingWorkflowTask();
    assertThat(scheduled.getState()).isEqualTo(PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED);
    assertThat(scheduled.getAttempt()).isEqualTo(1);
    assertThat(scheduled.hasScheduledTime()).isTrue();
    assertThat(scheduled.hasStartedTime()).isFalse();

    var task = sundial.blockingStub().pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setIdentity("raw-poller")
            .build());
    assertThat(task.getTaskToken()).isNotEmpty();
    var started = sundial.describe(id, null).getPendingWorkflowTask();
    assertThat(started.getState()).isEqualTo(PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED);
    assertThat(started.hasStartedTime()).isTrue();

    // The raw poller is now a known poller of that queue.
    DescribeTaskQueueResponse q = describeQueue(queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW);
    assertThat(q.getPollersList()).extracting(PollerInfo::getIdentity).contains("raw-poller");
  }

  private DescribeTaskQueueResponse describeQueue(String queue, TaskQueueType type) {
    return sundial.blockingStub().describeTaskQueue(
        DescribeTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(queue))
            .setTaskQueueType(type)
            .build());
  }

  @Test
  void describeTaskQueueShowsTheWorkersPollersAndTheBacklog() {
    sundial.worker().registerWorkflowImplementationTypes(ChildImpl.class);
    sundial.worker().registerActivitiesImplementations(new FlakyImpl());
    sundial.startWorkers();
    String identity = sundial.client().getOptions().getIdentity();

    CompatServer.await(Duration.ofSeconds(10), "workflow and activity pollers", () ->
        describeQueue(sundial.taskQueue(), TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).getPollersCount() > 0
            && describeQueue(sundial.taskQueue(), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY).getPollersCount() > 0);
    for (TaskQueueType type : List.of(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)) {
      List<PollerInfo> pollers = describeQueue(sundial.taskQueue(), type).getPollersList();
      assertThat(pollers).extracting(PollerInfo::getIdentity).contains(identity);
      PollerInfo p = pollers.stream().filter(x -> x.getIdentity().equals(identity)).findFirst().orElseThrow();
      assertThat(p.hasLastAccessTime()).isTrue();
      long ageMillis = System.currentTimeMillis() - p.getLastAccessTime().getSeconds() * 1000;
      assertThat(ageMillis).isLessThan(120_000);
      assertThat(p.getRatePerSecond()).isGreaterThan(0);
    }

    // The enhanced form: per type under the unversioned build id.
    DescribeTaskQueueResponse enhanced = sundial.blockingStub().describeTaskQueue(
        DescribeTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
            .setApiMode(DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED)
            .setReportPollers(true)
            .setReportStats(true)
            .build());
    var unversioned = enhanced.getVersionsInfoOrThrow("");
    assertThat(unversioned.getTypesInfoOrThrow(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW_VALUE).getPollersList())
        .extracting(PollerInfo::getIdentity).contains(identity);
    assertThat(unversioned.getTypesInfoOrThrow(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY_VALUE).getPollersList())
        .extracting(PollerInfo::getIdentity).contains(identity);
    assertThat(unversioned.getTypesInfoOrThrow(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW_VALUE).hasStats()).isTrue();

    // A queue nobody polls: its backlog grows with each start.
    String idle = sundial.taskQueue() + "-idle";
    for (int i = 0; i < 3; i++) {
      sundial.client().newUntypedWorkflowStub(
              "Anything",
              WorkflowOptions.newBuilder()
                  .setTaskQueue(idle)
                  .setWorkflowId(sundial.newWorkflowId("backlog"))
                  .build())
          .start();
    }
    DescribeTaskQueueResponse backlog = sundial.blockingStub().describeTaskQueue(
        DescribeTaskQueueRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setTaskQueue(TaskQueue.newBuilder().setName(idle))
            .setIncludeTaskQueueStatus(true)
            .setReportStats(true)
            .build());
    assertThat(backlog.getPollersList()).isEmpty();
    assertThat(backlog.getTaskQueueStatus().getBacklogCountHint()).isEqualTo(3);
    assertThat(backlog.getStats().getApproximateBacklogCount()).isEqualTo(3);
    assertThat(backlog.getStats().hasApproximateBacklogAge()).isTrue();
    assertThat(backlog.getStats().getTasksAddRate()).isGreaterThan(0);
  }
}
