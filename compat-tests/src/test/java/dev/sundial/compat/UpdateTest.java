package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static dev.sundial.compat.CompatServer.expectStatus;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.errordetails.v1.MultiOperationExecutionFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.update.v1.Input;
import io.temporal.api.update.v1.Meta;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.update.v1.WaitPolicy;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflow updates through the official SDK: delivery on (speculative) workflow tasks, validator
 * rejections that leave no trace in history, wait stages, update-id dedup, update-with-start.
 */
class UpdateTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Counter {
    /** Waits for {@link #finish()} and returns the total. */
    @WorkflowMethod
    int run();

    @UpdateMethod
    int add(int n);

    @UpdateValidatorMethod(updateName = "add")
    void validateAdd(int n);

    /** Accepted at once, completes only after {@link #release()}. */
    @UpdateMethod
    int addWhenReleased(int n);

    /** Runs an activity before it returns. */
    @UpdateMethod
    String shout(String text);

    @QueryMethod
    int total();

    @SignalMethod
    void release();

    @SignalMethod
    void finish();
  }

  @ActivityInterface
  public interface Texts {
    String upper(String text);
  }

  /** A local activity that blocks until the test lets it go (keeps a workflow task running). */
  @ActivityInterface
  public interface Gate {
    void pass();
  }

  public static class TextsImpl implements Texts {
    @Override
    public String upper(String text) {
      return text.toUpperCase();
    }
  }

  static volatile CountDownLatch gateEntered = new CountDownLatch(1);
  static volatile CountDownLatch gateOpen = new CountDownLatch(1);

  public static class GateImpl implements Gate {
    @Override
    public void pass() {
      gateEntered.countDown();
      try {
        gateOpen.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static class CounterImpl implements Counter {
    private int total;
    private boolean released;
    private boolean done;

    @Override
    public int run() {
      Workflow.await(() -> done);
      return total;
    }

    @Override
    public int add(int n) {
      total += n;
      return total;
    }

    @Override
    public void validateAdd(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("cannot add a negative number: " + n);
      }
    }

    @Override
    public int addWhenReleased(int n) {
      Workflow.await(() -> released);
      total += n;
      return total;
    }

    @Override
    public String shout(String text) {
      Texts texts =
          Workflow.newActivityStub(
              Texts.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
      return texts.upper(text) + "!";
    }

    @Override
    public int total() {
      return total;
    }

    @Override
    public void release() {
      released = true;
    }

    @Override
    public void finish() {
      done = true;
    }
  }

  /** Runs a local activity that blocks first, so its workflow task stays open for a while. */
  @WorkflowInterface
  public interface GatedCounter {
    @WorkflowMethod
    int run();

    @UpdateMethod
    int add(int n);

    @SignalMethod
    void finish();
  }

  public static class GatedCounterImpl implements GatedCounter {
    private int total;
    private boolean done;

    @Override
    public int run() {
      Workflow.newLocalActivityStub(
              Gate.class,
              LocalActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(30))
                  .build())
          .pass();
      Workflow.await(() -> done);
      return total;
    }

    @Override
    public int add(int n) {
      total += n;
      return total;
    }

    @Override
    public void finish() {
      done = true;
    }
  }

  private Counter startCounter(String id) {
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.worker().registerActivitiesImplementations(new TextsImpl());
    sundial.startWorkers();
    Counter counter = sundial.newWorkflowStub(Counter.class, id);
    WorkflowClient.start(counter::run);
    return counter;
  }

  private static List<HistoryEvent> ofType(List<HistoryEvent> history, EventType type) {
    return eventsOfType(history, type);
  }

  // ---------------------------------------------------------------- basics

  @Test
  void updateReturnsItsValue() {
    String id = sundial.newWorkflowId("update-value");
    Counter counter = startCounter(id);

    assertThat(counter.add(5)).isEqualTo(5);
    assertThat(counter.add(3)).isEqualTo(8);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(8);

    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> accepted = ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    List<HistoryEvent> completed = ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(accepted).hasSize(2);
    assertThat(completed).hasSize(2);
    var a = accepted.get(0).getWorkflowExecutionUpdateAcceptedEventAttributes();
    assertThat(a.getAcceptedRequest().getInput().getName()).isEqualTo("add");
    assertThat(a.getAcceptedRequestMessageId()).isEqualTo(a.getProtocolInstanceId() + "/request");
    assertThat(a.getAcceptedRequestSequencingEventId()).isPositive();
    var c = completed.get(0).getWorkflowExecutionUpdateCompletedEventAttributes();
    assertThat(c.getAcceptedEventId()).isEqualTo(accepted.get(0).getEventId());
    assertThat(c.getMeta().getUpdateId()).isEqualTo(a.getProtocolInstanceId());
    assertThat(c.getOutcome().hasSuccess()).isTrue();
    // Each update's events follow the WorkflowTaskCompleted of the task that carried it.
    HistoryEvent before = history.get((int) accepted.get(0).getEventId() - 2);
    assertThat(before.getEventType()).isEqualTo(EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
  }

  @Test
  void updateChangesStateSeenByQueryAndResult() {
    String id = sundial.newWorkflowId("update-state");
    Counter counter = startCounter(id);

    assertThat(counter.total()).isZero();
    counter.add(10);
    assertThat(counter.total()).isEqualTo(10);
    counter.add(32);
    assertThat(counter.total()).isEqualTo(42);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(42);
  }

  // ---------------------------------------------------------------- rejection

  @Test
  void validatorRejectionLeavesNoHistory() {
    String id = sundial.newWorkflowId("update-reject");
    Counter counter = startCounter(id);
    counter.add(1); // the workflow is up and idle
    int before = sundial.history(id, null).size();

    assertThatThrownBy(() -> counter.add(-1))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("cannot add a negative number: -1");
    assertThat(sundial.history(id, null)).hasSize(before);

    // Again: a dropped speculative task leaves the worker able to take the next one.
    assertThatThrownBy(() -> counter.add(-2)).isInstanceOf(WorkflowUpdateException.class);
    assertThat(sundial.history(id, null)).hasSize(before);

    assertThat(counter.add(2)).isEqualTo(3);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(3);
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(2);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
  }

  // ---------------------------------------------------------------- timing

  @Test
  void updateWhileWorkflowTaskIsRunning() throws Exception {
    gateEntered = new CountDownLatch(1);
    gateOpen = new CountDownLatch(1);
    sundial.worker().registerWorkflowImplementationTypes(GatedCounterImpl.class);
    sundial.worker().registerActivitiesImplementations(new GateImpl());
    sundial.startWorkers();
    String id = sundial.newWorkflowId("update-during-task");
    GatedCounter counter = sundial.newWorkflowStub(GatedCounter.class, id);
    WorkflowClient.start(counter::run);

    assertThat(gateEntered.await(20, TimeUnit.SECONDS)).as("local activity running").isTrue();
    CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> counter.add(7));
    // Give the update time to reach the server while the first workflow task is still open.
    Thread.sleep(500);
    assertThat(update).isNotDone();
    gateOpen.countDown();

    assertThat(update.get(30, TimeUnit.SECONDS)).isEqualTo(7);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(7);
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(1);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_TASK_FAILED)).isEmpty();
  }

  @Test
  void sameUpdateIdTwiceGivesTheSameResult() {
    String id = sundial.newWorkflowId("update-dedup");
    Counter counter = startCounter(id);
    WorkflowStub stub = WorkflowStub.fromTyped(counter);
    UpdateOptions<Integer> options =
        UpdateOptions.newBuilder(Integer.class)
            .setUpdateName("add")
            .setUpdateId("the-one-update")
            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
            .build();

    assertThat(stub.startUpdate(options, 5).getResult()).isEqualTo(5);
    assertThat(stub.startUpdate(options, 5).getResult()).isEqualTo(5);
    assertThat(counter.total()).isEqualTo(5);
    // The outcome is also there for a poll by id.
    assertThat(stub.getUpdateHandle("the-one-update", Integer.class).getResult()).isEqualTo(5);

    List<HistoryEvent> accepted =
        ofType(sundial.history(id, null), EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    assertThat(accepted).hasSize(1);
    assertThat(accepted.get(0).getWorkflowExecutionUpdateAcceptedEventAttributes().getProtocolInstanceId())
        .isEqualTo("the-one-update");
    counter.finish();
    assertThat(stub.getResult(Integer.class)).isEqualTo(5);
  }

  @Test
  void waitForAcceptedThenGetResult() {
    String id = sundial.newWorkflowId("update-accepted");
    Counter counter = startCounter(id);

    WorkflowUpdateHandle<Integer> handle =
        WorkflowClient.startUpdate(
            counter::addWhenReleased,
            4,
            UpdateOptions.<Integer>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build());
    // Accepted but not completed: the accepted event is in history, the completed one is not.
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).hasSize(1);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).isEmpty();
    assertThat(handle.getResultAsync()).isNotDone();

    counter.release();
    assertThat(handle.getResult(30, TimeUnit.SECONDS)).isEqualTo(4);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(4);
  }

  @Test
  void updateHandlerRunsAnActivity() {
    String id = sundial.newWorkflowId("update-activity");
    Counter counter = startCounter(id);

    assertThat(counter.shout("hello")).isEqualTo("HELLO!");
    counter.finish();
    WorkflowStub.fromTyped(counter).getResult(Integer.class);

    List<EventType> types = eventTypes(sundial.history(id, null));
    int accepted = types.indexOf(EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    int scheduled = types.indexOf(EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    int activityDone = types.indexOf(EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    int completed = types.indexOf(EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    assertThat(accepted).isPositive();
    assertThat(scheduled).isGreaterThan(accepted);
    assertThat(activityDone).isGreaterThan(scheduled);
    assertThat(completed).isGreaterThan(activityDone);
  }

  // ---------------------------------------------------------------- closed workflows

  @Test
  void updateOnCompletedWorkflowFails() {
    String id = sundial.newWorkflowId("update-closed");
    Counter counter = startCounter(id);
    counter.add(1);
    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(1);

    assertThatThrownBy(() -> counter.add(1)).isInstanceOf(WorkflowNotFoundException.class);

    StatusRuntimeException e =
        expectStatus(
            () ->
                sundial.blockingStub()
                    .updateWorkflowExecution(rawUpdate(id, "late", "add")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(e.getStatus().getDescription()).contains("workflow execution already completed");
  }

  @Test
  void pendingUpdateFailsWhenTheWorkflowCompletes() throws Exception {
    String id = sundial.newWorkflowId("update-pending-close");
    Counter counter = startCounter(id);
    WorkflowUpdateHandle<Integer> handle =
        WorkflowClient.startUpdate(
            counter::addWhenReleased,
            4,
            UpdateOptions.<Integer>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build());
    counter.finish(); // completes while the update is accepted but not done

    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isZero();
    assertThatThrownBy(() -> handle.getResult(30, TimeUnit.SECONDS))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("Workflow Update failed because the Workflow completed before the Update completed");
  }

  // ---------------------------------------------------------------- update-with-start

  @Test
  void updateWithStart() {
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.startWorkers();
    String id = sundial.newWorkflowId("update-with-start");
    Counter counter =
        sundial.client()
            .newWorkflowStub(
                Counter.class,
                sundial.workflowOptions(id)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .build());

    int first =
        WorkflowClient.executeUpdateWithStart(
            counter::add,
            7,
            UpdateOptions.<Integer>newBuilder().build(),
            new WithStartWorkflowOperation<>(counter::run));
    assertThat(first).isEqualTo(7);

    // The workflow is running now: the second one attaches to it.
    Counter again =
        sundial.client()
            .newWorkflowStub(
                Counter.class,
                sundial.workflowOptions(id)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .build());
    WorkflowUpdateHandle<Integer> handle =
        WorkflowClient.startUpdateWithStart(
            again::add,
            5,
            UpdateOptions.<Integer>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build(),
            new WithStartWorkflowOperation<>(again::run));
    assertThat(handle.getResult()).isEqualTo(12);

    counter.finish();
    assertThat(WorkflowStub.fromTyped(counter).getResult(Integer.class)).isEqualTo(12);
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(ofType(history, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).hasSize(1);
    assertThat(ofType(history, EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)).hasSize(2);
  }

  @Test
  void updateWithStartRejectsMismatchedOperations() throws Exception {
    String id = sundial.newWorkflowId("update-with-start-bad");
    var start =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .setWorkflowId(id)
            .setWorkflowType(WorkflowType.newBuilder().setName("Counter"))
            .setTaskQueue(TaskQueue.newBuilder().setName("q"))
            .build();
    var request =
        ExecuteMultiOperationRequest.newBuilder()
            .setNamespace(CompatServer.NAMESPACE)
            .addOperations(
                ExecuteMultiOperationRequest.Operation.newBuilder()
                    .setStartWorkflow(start))
            .addOperations(
                ExecuteMultiOperationRequest.Operation.newBuilder()
                    .setUpdateWorkflow(rawUpdate(id + "-other", "u1", "add")))
            .build();
    StatusRuntimeException e = expectStatus(() -> sundial.blockingStub().executeMultiOperation(request));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    var details = StatusProto.fromThrowable(e).getDetailsList();
    assertThat(details).hasSize(1);
    var failure =
        details.get(0).unpack(MultiOperationExecutionFailure.class);
    assertThat(failure.getStatuses(0).getCode()).isEqualTo(Status.Code.ABORTED.value());
    assertThat(failure.getStatuses(1).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(failure.getStatuses(1).getMessage())
        .isEqualTo("WorkflowId is not consistent with previous operation(s).");
  }

  // ---------------------------------------------------------------- raw API

  private static UpdateWorkflowExecutionRequest rawUpdate(String workflowId, String updateId, String name) {
    return UpdateWorkflowExecutionRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setWaitPolicy(
            WaitPolicy.newBuilder()
                .setLifecycleStage(
                    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED))
        .setRequest(
            Request.newBuilder()
                .setMeta(Meta.newBuilder().setUpdateId(updateId))
                .setInput(Input.newBuilder().setName(name)))
        .build();
  }

  @Test
  void badUpdateRequestsNameTheField() {
    String id = sundial.newWorkflowId("update-invalid");
    var noName = rawUpdate(id, "x", "");
    StatusRuntimeException e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noName));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("Update name is not set on request.");

    var noWorkflowId = rawUpdate("", "x", "add");
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noWorkflowId));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).isEqualTo("WorkflowId is not set on request.");

    var noMeta = rawUpdate(id, "x", "add").toBuilder();
    noMeta.getRequestBuilder().clearMeta();
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(noMeta.build()));
    assertThat(e.getStatus().getDescription()).isEqualTo("Update meta is not set on request.");

    var admitted = rawUpdate(id, "x", "add").toBuilder();
    admitted.getWaitPolicyBuilder()
        .setLifecycleStage(UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED);
    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(admitted.build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    e = expectStatus(() -> sundial.blockingStub().updateWorkflowExecution(rawUpdate(id, "x", "add")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void pollUpdateByIdAndUnknownId() {
    String id = sundial.newWorkflowId("update-poll");
    Counter counter = startCounter(id);
    WorkflowStub.fromTyped(counter)
        .startUpdate(
            UpdateOptions.newBuilder(Integer.class)
                .setUpdateName("add")
                .setUpdateId("known")
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            9)
        .getResult();

    PollWorkflowExecutionUpdateResponse r =
        sundial.blockingStub()
            .pollWorkflowExecutionUpdate(pollRequest(id, "known"));
    assertThat(r.getStage())
        .isEqualTo(UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    assertThat(r.getOutcome().hasSuccess()).isTrue();
    assertThat(r.getUpdateRef().getUpdateId()).isEqualTo("known");

    StatusRuntimeException e =
        expectStatus(() -> sundial.blockingStub().pollWorkflowExecutionUpdate(pollRequest(id, "unknown")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    // Still known once the workflow has completed (the outcome is in history).
    counter.finish();
    WorkflowStub.fromTyped(counter).getResult(Integer.class);
    r = sundial.blockingStub().pollWorkflowExecutionUpdate(pollRequest(id, "known"));
    assertThat(r.getOutcome().hasSuccess()).isTrue();
  }

  private static PollWorkflowExecutionUpdateRequest pollRequest(String workflowId, String updateId) {
    return PollWorkflowExecutionUpdateRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setUpdateRef(
            UpdateRef.newBuilder()
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .setUpdateId(updateId))
        .setWaitPolicy(
            WaitPolicy.newBuilder()
                .setLifecycleStage(
                    UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED))
        .build();
  }
}
