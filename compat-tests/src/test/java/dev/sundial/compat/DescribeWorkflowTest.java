package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DescribeWorkflowExecution while an activity runs, and after the workflow completed. */
class DescribeWorkflowTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final CountDownLatch STARTED = new CountDownLatch(1);
  static final CountDownLatch RELEASE = new CountDownLatch(1);

  @AfterEach
  void release() {
    RELEASE.countDown();
  }

  @ActivityInterface
  public interface Holder {
    String hold(String value);
  }

  public static class HolderImpl implements Holder {
    @Override
    public String hold(String value) {
      Activity.getExecutionContext().heartbeat("holding " + value);
      STARTED.countDown();
      try {
        if (!RELEASE.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return "held " + value;
    }
  }

  @WorkflowInterface
  public interface HoldingWorkflow {
    @WorkflowMethod
    String run(String value);
  }

  public static class HoldingWorkflowImpl implements HoldingWorkflow {
    private final Holder holder =
        Workflow.newActivityStub(
            Holder.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(60))
                .setHeartbeatTimeout(Duration.ofSeconds(30))
                .build());

    @Override
    public String run(String value) {
      return holder.hold(value);
    }
  }

  @Test
  void describeRunningThenCompleted() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(HoldingWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new HolderImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("describe");
    HoldingWorkflow wf = sundial.newWorkflowStub(HoldingWorkflow.class, id);
    String runId = WorkflowClient.start(wf::run, "x").getRunId();
    assertThat(STARTED.await(30, TimeUnit.SECONDS)).as("activity started").isTrue();

    DescribeWorkflowExecutionResponse running = sundial.describe(id, null);
    var info = running.getWorkflowExecutionInfo();
    assertThat(info.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(info.getExecution().getWorkflowId()).isEqualTo(id);
    assertThat(info.getExecution().getRunId()).isEqualTo(runId);
    assertThat(info.getType().getName()).isEqualTo("HoldingWorkflow");
    assertThat(info.getTaskQueue()).isEqualTo(sundial.taskQueue());
    assertThat(info.hasStartTime()).isTrue();
    assertThat(info.hasCloseTime()).isFalse();
    assertThat(running.getExecutionConfig().getTaskQueue().getName())
        .isEqualTo(sundial.taskQueue());
    assertThat(running.getPendingActivitiesList()).hasSize(1);
    PendingActivityInfo pending = running.getPendingActivities(0);
    assertThat(pending.getActivityType().getName()).isEqualTo("Hold");
    assertThat(pending.getState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    assertThat(pending.getAttempt()).isEqualTo(1);
    assertThat(pending.getActivityId()).isNotEmpty();
    assertThat(pending.hasLastHeartbeatTime()).isTrue();
    String details =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, Optional.of(pending.getHeartbeatDetails()), String.class, String.class);
    assertThat(details).isEqualTo("holding x");

    RELEASE.countDown();
    assertThat(WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, String.class))
        .isEqualTo("held x");

    DescribeWorkflowExecutionResponse done = sundial.describe(id, runId);
    var doneInfo = done.getWorkflowExecutionInfo();
    assertThat(doneInfo.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertThat(doneInfo.hasCloseTime()).isTrue();
    assertThat(done.getPendingActivitiesList()).isEmpty();
    // The single-activity history: 11 events.
    assertThat(doneInfo.getHistoryLength()).isEqualTo(11);
  }
}
