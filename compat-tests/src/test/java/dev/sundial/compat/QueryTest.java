package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.ResetStickyTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowQueryConditionallyRejectedException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowQueryRejectedException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflow queries through the official SDK: answered by the sticky worker's cache or by replaying
 * the full history, on running and closed workflows, with rejections, failing handlers, missing
 * workers and a reset sticky queue. Queries never write history.
 */
class QueryTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  @WorkflowInterface
  public interface Counter {
    @WorkflowMethod
    String run();

    @SignalMethod
    void add(int n);

    /** Adds n after a local activity that takes the given time (the workflow task stays open). */
    @SignalMethod
    void slowAdd(int n, long millis);

    @SignalMethod
    void finish();

    @QueryMethod
    int value();

    @QueryMethod
    String failing();
  }

  @ActivityInterface
  public interface Pause {
    void pause(long millis);
  }

  public static class PauseImpl implements Pause {
    @Override
    public void pause(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static class CounterImpl implements Counter {
    private final Pause pause =
        Workflow.newLocalActivityStub(
            Pause.class,
            LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
    private int value;
    private boolean done;
    private final List<long[]> slow = new ArrayList<>();

    @Override
    public String run() {
      while (true) {
        Workflow.await(() -> done || !slow.isEmpty());
        if (!slow.isEmpty()) {
          long[] s = slow.remove(0);
          pause.pause(s[1]);
          value += (int) s[0];
          continue;
        }
        return "done:" + value;
      }
    }

    @Override
    public void add(int n) {
      value += n;
    }

    @Override
    public void slowAdd(int n, long millis) {
      slow.add(new long[] {n, millis});
    }

    @Override
    public void finish() {
      done = true;
    }

    @Override
    public int value() {
      return value;
    }

    @Override
    public String failing() {
      throw new IllegalStateException("query handler refused, value=" + value);
    }
  }

  private void startWorker() {
    Worker w = sundial.worker();
    w.registerWorkflowImplementationTypes(CounterImpl.class);
    w.registerActivitiesImplementations(new PauseImpl());
    sundial.startWorkers();
  }

  private Counter startCounter(String id) {
    Counter c = sundial.newWorkflowStub(Counter.class, id);
    WorkflowClient.start(c::run);
    return c;
  }

  private static QueryWorkflowRequest.Builder rawQuery(String workflowId, String queryType) {
    return QueryWorkflowRequest.newBuilder()
        .setNamespace(CompatServer.NAMESPACE)
        .setExecution(CompatServer.execution(workflowId, null))
        .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType));
  }

  // ---------------------------------------------------------------- answers

  @Test
  void queryRunningWorkflowSeesSignalsAndWritesNoHistory() {
    startWorker();
    String id = sundial.newWorkflowId("query-running");
    Counter c = startCounter(id);

    assertThat(c.value()).isZero();
    c.add(5);
    // A query after a signal reflects it: the query waits for the signal's workflow task.
    assertThat(c.value()).isEqualTo(5);
    c.add(2);
    assertThat(c.value()).isEqualTo(7);

    List<HistoryEvent> before = sundial.history(id, null);
    for (int i = 0; i < 5; i++) {
      assertThat(c.value()).isEqualTo(7);
    }
    assertThat(sundial.history(id, null)).as("queries write no events").isEqualTo(before);

    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:7");
  }

  @Test
  void manyConcurrentQueries() throws Exception {
    startWorker();
    String id = sundial.newWorkflowId("query-concurrent");
    Counter c = startCounter(id);
    c.add(3);
    List<CompletableFuture<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(CompletableFuture.supplyAsync(c::value));
    }
    for (CompletableFuture<Integer> a : answers) {
      assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(3);
    }
    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:3");
  }

  @Test
  void queryWhileWorkflowTaskRunsALocalActivity() {
    startWorker();
    String id = sundial.newWorkflowId("query-during-task");
    Counter c = startCounter(id);
    c.add(1);
    assertThat(c.value()).isEqualTo(1);

    c.slowAdd(10, 1500); // the workflow task stays open for the local activity
    long t0 = System.nanoTime();
    int seen = c.value();
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(seen).as("the answer reflects the task that was running").isEqualTo(11);
    assertThat(took).isLessThan(9_000);

    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:11");
  }

  @Test
  void queryWhileLocalActivityHeartbeatsTheWorkflowTask() {
    startWorker();
    String id = sundial.newWorkflowId("query-during-heartbeat");
    Counter c =
        sundial
            .client()
            .newWorkflowStub(
                Counter.class,
                sundial
                    .workflowOptions(id)
                    .setWorkflowTaskTimeout(Duration.ofSeconds(2))
                    .build());
    WorkflowClient.start(c::run);
    assertThat(c.value()).isZero();

    // 3 s of local activity under a 2 s workflow task timeout: the worker completes the task
    // with a heartbeat (a new task handed straight back) while the activity runs.
    c.slowAdd(4, 3000);
    assertThat(c.value()).isIn(0, 4);
    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:4");
    assertThat(c.value()).isEqualTo(4);
  }

  @Test
  void queryCompletedWorkflowReplaysHistory() {
    startWorker();
    String id = sundial.newWorkflowId("query-completed");
    Counter c = startCounter(id);
    c.add(4);
    c.add(5);
    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:9");
    Counter again = sundial.client().newWorkflowStub(Counter.class, id);
    assertThat(again.value()).isEqualTo(9);
    assertThat(again.value()).isEqualTo(9);
  }

  @Test
  void queryAfterWorkerRestartReplaysFullHistory() {
    String id = sundial.newWorkflowId("query-restart");
    String queue = sundial.taskQueue();
    WorkerFactory first = WorkerFactory.newInstance(sundial.client());
    WorkerFactory second = null;
    try {
      Worker w = first.newWorker(queue);
      w.registerWorkflowImplementationTypes(CounterImpl.class);
      w.registerActivitiesImplementations(new PauseImpl());
      first.start();
      Counter c = startCounter(id);
      c.add(6);
      assertThat(c.value()).isEqualTo(6);
      first.shutdown();
      first.awaitTermination(10, TimeUnit.SECONDS);

      second = WorkerFactory.newInstance(sundial.client());
      Worker w2 = second.newWorker(queue);
      w2.registerWorkflowImplementationTypes(CounterImpl.class);
      w2.registerActivitiesImplementations(new PauseImpl());
      second.start();

      long t0 = System.nanoTime();
      assertThat(c.value()).as("a new worker replays the whole history").isEqualTo(6);
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(8_000);
      c.add(1);
      assertThat(c.value()).isEqualTo(7);
      c.finish();
      assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:7");
    } finally {
      first.shutdownNow();
      if (second != null) {
        second.shutdownNow();
        second.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void stackTraceQuery() {
    startWorker();
    String id = sundial.newWorkflowId("query-stack");
    Counter c = startCounter(id);
    c.add(1);
    String trace = WorkflowStub.fromTyped(c).query("__stack_trace", String.class);
    assertThat(trace).contains("CounterImpl.run");
    c.finish();
    WorkflowStub.fromTyped(c).getResult(String.class);
  }

  // ---------------------------------------------------------------- failures

  @Test
  void failingQueryHandler() {
    startWorker();
    String id = sundial.newWorkflowId("query-failing");
    Counter c = startCounter(id);
    c.add(2);
    Throwable t = catchThrowable(c::failing);
    assertThat(t).isInstanceOf(WorkflowQueryException.class);
    assertThat(t.getCause()).isInstanceOf(StatusRuntimeException.class);
    StatusRuntimeException sre = (StatusRuntimeException) t.getCause();
    assertThat(sre.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sre.getStatus().getDescription()).contains("query handler refused, value=2");
    // The workflow is unharmed.
    assertThat(c.value()).isEqualTo(2);
    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:2");
  }

  @Test
  void unknownQueryType() {
    startWorker();
    String id = sundial.newWorkflowId("query-unknown");
    Counter c = startCounter(id);
    c.add(1);
    Throwable t =
        catchThrowable(() -> WorkflowStub.fromTyped(c).query("noSuchQuery", String.class));
    assertThat(t).isInstanceOf(WorkflowQueryException.class);
    assertThat(t.getCause().getMessage()).contains("noSuchQuery");
    c.finish();
    WorkflowStub.fromTyped(c).getResult(String.class);
  }

  @Test
  void queryWithNoWorkerFailsFast() {
    // Nobody ever polls this workflow's queue.
    String id = sundial.newWorkflowId("query-no-worker");
    Counter c = startCounter(id);
    long t0 = System.nanoTime();
    Throwable t = catchThrowable(c::value);
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertThat(t).isInstanceOf(WorkflowServiceException.class);
    assertThat(t.getCause()).isInstanceOf(StatusRuntimeException.class);
    StatusRuntimeException sre = (StatusRuntimeException) t.getCause();
    assertThat(sre.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sre.getStatus().getDescription()).contains(sundial.taskQueue());
    assertThat(took).as("fails within a few seconds, not at the deadline").isLessThan(6_000);
  }

  @Test
  void queryOnWorkflowClosedBeforeAnyTaskIsNotReady() {
    String id = sundial.newWorkflowId("query-closed-early");
    Counter c = startCounter(id);
    WorkflowStub.fromTyped(c).terminate("early");
    Throwable t = catchThrowable(c::value);
    assertThat(t).isInstanceOf(WorkflowQueryRejectedException.class);
    StatusRuntimeException sre = (StatusRuntimeException) t.getCause();
    assertThat(sre.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  // ---------------------------------------------------------------- reject conditions

  @Test
  void rejectConditions() {
    startWorker();
    String done = sundial.newWorkflowId("query-reject-completed");
    Counter c = startCounter(done);
    c.add(3);
    c.finish();
    WorkflowStub.fromTyped(c).getResult(String.class);

    // NOT_OPEN through the SDK: a completed workflow is rejected with its status.
    WorkflowClient notOpen =
        WorkflowClient.newInstance(
            sundial.stubs(),
            WorkflowClientOptions.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setQueryRejectCondition(QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN)
                .build());
    Throwable t = catchThrowable(() -> notOpen.newWorkflowStub(Counter.class, done).value());
    assertThat(t).isInstanceOf(WorkflowQueryConditionallyRejectedException.class);
    assertThat(((WorkflowQueryConditionallyRejectedException) t).getWorkflowExecutionStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    QueryWorkflowResponse r =
        sundial
            .blockingStub()
            .queryWorkflow(
                rawQuery(done, "value")
                    .setQueryRejectCondition(QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN)
                    .build());
    assertThat(r.hasQueryRejected()).isTrue();
    assertThat(r.hasQueryResult()).isFalse();
    assertThat(r.getQueryRejected().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    // NOT_COMPLETED_CLEANLY answers for a completed workflow ...
    r =
        sundial
            .blockingStub()
            .queryWorkflow(
                rawQuery(done, "value")
                    .setQueryRejectCondition(
                        QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY)
                    .build());
    assertThat(r.hasQueryRejected()).isFalse();
    assertThat(r.hasQueryResult()).isTrue();

    // ... and rejects a terminated one; NOT_OPEN answers a running one.
    String terminated = sundial.newWorkflowId("query-reject-terminated");
    Counter t2 = startCounter(terminated);
    t2.add(1);
    r =
        sundial
            .blockingStub()
            .queryWorkflow(
                rawQuery(terminated, "value")
                    .setQueryRejectCondition(QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN)
                    .build());
    assertThat(r.hasQueryRejected()).isFalse();
    assertThat(r.hasQueryResult()).isTrue();
    WorkflowStub.fromTyped(t2).terminate("stop");
    r =
        sundial
            .blockingStub()
            .queryWorkflow(
                rawQuery(terminated, "value")
                    .setQueryRejectCondition(
                        QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY)
                    .build());
    assertThat(r.getQueryRejected().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void invalidRequests() {
    StatusRuntimeException e =
        CompatServer.expectStatus(
            () -> sundial.blockingStub().queryWorkflow(rawQuery("some-id", "").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("QueryType");

    e =
        CompatServer.expectStatus(
            () -> sundial.blockingStub().queryWorkflow(rawQuery("", "value").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("WorkflowId");

    e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .queryWorkflow(rawQuery("some-id", "value").clearQuery().build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .queryWorkflow(rawQuery(sundial.newWorkflowId("nobody"), "value").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

    e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .respondQueryTaskCompleted(
                        RespondQueryTaskCompletedRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setTaskToken(ByteString.copyFromUtf8("not a token"))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .resetStickyTaskQueue(
                        ResetStickyTaskQueueRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setExecution(CompatServer.execution(sundial.newWorkflowId("nobody"), null))
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  // ---------------------------------------------------------------- ResetStickyTaskQueue

  @Test
  void resetStickyTaskQueueSendsTheNextTaskToTheNormalQueue() {
    startWorker();
    String id = sundial.newWorkflowId("reset-sticky");
    Counter c = startCounter(id);
    c.add(1);
    assertThat(c.value()).isEqualTo(1);

    List<HistoryEvent> scheduled = eventsOfType(sundial.history(id, null), EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    assertThat(scheduled.get(scheduled.size() - 1).getWorkflowTaskScheduledEventAttributes().getTaskQueue().getKind())
        .as("after the first task the worker's sticky queue is used")
        .isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_STICKY);

    sundial
        .blockingStub()
        .resetStickyTaskQueue(
            ResetStickyTaskQueueRequest.newBuilder()
                .setNamespace(CompatServer.NAMESPACE)
                .setExecution(CompatServer.execution(id, null))
                .build());

    c.add(2);
    List<HistoryEvent> history = sundial.history(id, null);
    scheduled = eventsOfType(history, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    var attrs = scheduled.get(scheduled.size() - 1).getWorkflowTaskScheduledEventAttributes();
    assertThat(attrs.getTaskQueue().getKind()).isEqualTo(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    assertThat(attrs.getTaskQueue().getName()).isEqualTo(sundial.taskQueue());
    assertThat(c.value()).isEqualTo(3);

    c.finish();
    assertThat(WorkflowStub.fromTyped(c).getResult(String.class)).isEqualTo("done:3");

    StatusRuntimeException e =
        CompatServer.expectStatus(
            () ->
                sundial
                    .blockingStub()
                    .resetStickyTaskQueue(
                        ResetStickyTaskQueueRequest.newBuilder()
                            .setNamespace(CompatServer.NAMESPACE)
                            .setExecution(CompatServer.execution(id, null))
                            .build()));
    assertThat(e.getStatus().getCode()).as("a closed workflow has no sticky queue").isEqualTo(Status.Code.NOT_FOUND);
  }
}
