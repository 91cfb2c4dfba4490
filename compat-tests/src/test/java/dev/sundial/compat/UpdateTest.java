package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static dev.sundial.compat.CompatServer.expectStatus;
import static dev.sundial.compat.UpdateApiTest.rawUpdate;
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
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.UpdateOptions;
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
 * rejections that leave no trace in history, wait stages, update-id dedup (update-with-start and
 * the raw API: UpdateApiTest).
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

  static Counter startCounter(CompatServer sundial, String id) {
    sundial.worker().registerWorkflowImplementationTypes(CounterImpl.class);
    sundial.worker().registerActivitiesImplementations(new TextsImpl());
    sundial.startWorkers();
    Counter counter = sundial.newWorkflowStub(Counter.class, id);
    WorkflowClient.start(counter::run);
    return counter;
  }

  static List<HistoryEvent> ofType(List<HistoryEvent> history, EventType type) {
    return eventsOfType(history, type);
  }

  // ---------------------------------------------------------------- basics

  @Test
  void updateReturnsItsValue() {
    String id = sundial.newWorkflowId("update-value");
    Counter counter = startCounter(sundial, id);

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
    Counter counter = startCounter(sundial, id);

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
    Counter counter = startCounter(sundial, id);
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
    Counter counter = startCounter(sundial, id);
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
    Counter counter = startCounter(sundial, id);

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
    Counter counter = startCounter(sundial, id);

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
    Counter counter = startCounter(sundial, id);
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
    Counter counter = startCounter(sundial, id);
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
}
