package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Priority and fairness as Temporal hands them down: an activity or child workflow without a
 * priority of its own gets its workflow's, and one with a partial priority keeps its fields and
 * inherits the rest; signal-with-start keeps the workflow's priority.
 */
class PriorityTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final Priority WORKFLOW =
      Priority.newBuilder().setPriorityKey(2).setFairnessKey("tenant-a").setFairnessWeight(1.5f).build();

  @WorkflowInterface
  public interface Prioritized {
    @WorkflowMethod
    String run(boolean parent);

    @SignalMethod
    void poke();
  }

  @ActivityInterface
  public interface PriorityProbe {
    String priority();
  }

  static String describe(Priority p) {
    return p.getPriorityKey() + "/" + p.getFairnessKey() + "/" + p.getFairnessWeight();
  }

  public static class PriorityProbeImpl implements PriorityProbe {
    @Override
    public String priority() {
      return describe(Activity.getExecutionContext().getInfo().getPriority());
    }
  }

  public static class PrioritizedImpl implements Prioritized {
    @Override
    public String run(boolean parent) {
      String mine = describe(Workflow.getInfo().getPriority());
      if (!parent) {
        return mine;
      }
      ActivityOptions base = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build();
      String inherited = Workflow.newActivityStub(PriorityProbe.class, base).priority();
      String own =
          Workflow.newActivityStub(
                  PriorityProbe.class,
                  ActivityOptions.newBuilder(base)
                      .setPriority(Priority.newBuilder().setPriorityKey(4).build())
                      .build())
              .priority();
      String child =
          Workflow.newChildWorkflowStub(
                  Prioritized.class,
                  ChildWorkflowOptions.newBuilder()
                      .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-child")
                      .build())
              .run(false);
      return String.join(" ", mine, inherited, own, child);
    }

    @Override
    public void poke() {}
  }

  @Test
  void activitiesAndChildrenInheritWhatTheyLeaveUnset() {
    sundial.worker().registerWorkflowImplementationTypes(PrioritizedImpl.class);
    sundial.worker().registerActivitiesImplementations(new PriorityProbeImpl());
    sundial.startWorkers();
    String id = sundial.newWorkflowId("prioritized");
    Prioritized wf =
        sundial.client().newWorkflowStub(
            Prioritized.class, sundial.workflowOptions(id).setPriority(WORKFLOW).build());
    assertThat(wf.run(true))
        .isEqualTo("2/tenant-a/1.5 2/tenant-a/1.5 4/tenant-a/1.5 2/tenant-a/1.5");
  }

  @Test
  void invalidPrioritiesAreRefusedWithTemporalsMessages() {
    String id = sundial.newWorkflowId("invalid");
    var negative = io.temporal.api.common.v1.Priority.newBuilder().setPriorityKey(-1).build();
    var longKey =
        io.temporal.api.common.v1.Priority.newBuilder().setFairnessKey("k".repeat(65)).build();
    var expected =
        Map.of(
            negative, "priority key can't be negative", longKey, "fairness key length exceeds limit");
    for (var bad : expected.entrySet()) {
      StatusRuntimeException e =
          CompatServer.expectStatus(
              () ->
                  sundial.blockingStub().startWorkflowExecution(
                      StartWorkflowExecutionRequest.newBuilder()
                          .setNamespace(CompatServer.NAMESPACE)
                          .setWorkflowId(id)
                          .setWorkflowType(WorkflowType.newBuilder().setName("Prioritized"))
                          .setTaskQueue(TaskQueue.newBuilder().setName(sundial.taskQueue()))
                          .setRequestId(UUID.randomUUID().toString())
                          .setPriority(bad.getKey())
                          .build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).isEqualTo(bad.getValue());
    }
  }

  @Test
  void signalWithStartKeepsThePriority() {
    sundial.worker().registerWorkflowImplementationTypes(PrioritizedImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("signal-with-start");
    Prioritized wf =
        sundial.client().newWorkflowStub(
            Prioritized.class, sundial.workflowOptions(id).setPriority(WORKFLOW).build());
    var batch = sundial.client().newSignalWithStartRequest();
    batch.add(wf::run, false);
    batch.add(wf::poke);
    sundial.client().signalWithStart(batch);
    assertThat(WorkflowStub.fromTyped(wf).getResult(String.class)).isEqualTo("2/tenant-a/1.5");
  }
}
