package dev.sundial.engine;

import static dev.sundial.engine.EngineHarness.join;
import static dev.sundial.engine.EngineHarness.payloads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.DeadlineExceededException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.QueryFailedException;
import dev.sundial.engine.api.WorkflowNotReadyException;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.QueryRejectCondition;
import io.temporal.api.enums.v1.QueryResultType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.taskqueue.v1.StickyExecutionAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.RespondQueryTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** Queries as in-memory tasks: dispatch, answers, failures, timeouts, stickiness. */
class EngineQueryTest {
  private final EngineHarness h = EngineHarness.inMemory();

  @AfterEach
  void close() {
    h.close();
  }

  private CompletableFuture<QueryWorkflowResponse> query(
      String workflowId, QueryRejectCondition condition, long budgetMillis) {
    return h.engine.queries.query(
        h.nsId,
        QueryWorkflowRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .setQuery(WorkflowQuery.newBuilder().setQueryType("state"))
            .setQueryRejectCondition(condition)
            .build(),
        budgetMillis);
  }

  private CompletableFuture<QueryWorkflowResponse> query(String workflowId) {
    return query(workflowId, QueryRejectCondition.QUERY_REJECT_CONDITION_NONE, 10_000);
  }

  private void answer(ByteString token, String text) {
    join(
        h.engine.queries.respondQueryTaskCompleted(
            RespondQueryTaskCompletedRequest.newBuilder()
                .setTaskToken(token)
                .setCompletedType(QueryResultType.QUERY_RESULT_TYPE_ANSWERED)
                .setQueryResult(payloads(text))
                .build()));
  }

  /** Starts a workflow and completes its first task; returns the run id. */
  private String startAndCompleteFirstTask(String workflowId, String stickyQueue) {
    String runId = h.start(workflowId);
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    RespondWorkflowTaskCompletedRequest.Builder done =
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default")
            .setTaskToken(wt.getTaskToken())
            .setIdentity(EngineHarness.IDENTITY);
    if (stickyQueue != null) {
      done.setStickyAttributes(
          StickyExecutionAttributes.newBuilder()
              .setWorkerTaskQueue(TaskQueue.newBuilder().setName(stickyQueue))
              .setScheduleToStartTimeout(EngineHarness.seconds(5)));
    }
    h.completeWorkflowTask(done.build());
    return runId;
  }

  @Test
  void queryTaskCarriesFullHistoryAndWritesNothing() throws Exception {
    String runId = startAndCompleteFirstTask("wf-q", null);
    List<HistoryEvent> before = h.history("wf-q", runId);
    long version = h.state("wf-q", runId).dbVersion;

    CompletableFuture<QueryWorkflowResponse> q = query("wf-q");
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.hasQuery()).isTrue();
    assertThat(task.getQuery().getQueryType()).isEqualTo("state");
    assertThat(task.getStartedEventId()).isZero();
    assertThat(task.getPreviousStartedEventId()).isEqualTo(3);
    assertThat(task.getHistory().getEventsList()).isEqualTo(before);
    assertThat(task.getWorkflowExecution().getRunId()).isEqualTo(runId);
    assertThat(task.getWorkflowType().getName()).isEqualTo("TestWorkflow");

    answer(task.getTaskToken(), "hello");
    QueryWorkflowResponse r = q.get(5, TimeUnit.SECONDS);
    assertThat(r.getQueryResult()).isEqualTo(payloads("hello"));

    assertThat(h.history("wf-q", runId)).isEqualTo(before);
    assertThat(h.state("wf-q", runId).dbVersion).isEqualTo(version);
    assertThat(h.engine.queries.pendingQueries()).isZero();

    // The token is spent.
    EngineException e = catchThrowableOfEngine(() -> answer(task.getTaskToken(), "again"));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void stickyWorkerGetsTheQueryWithoutHistory() throws Exception {
    String runId = startAndCompleteFirstTask("wf-sticky-q", "sticky-q");
    CompletableFuture<PollWorkflowTaskQueueResponse> stickyPoll =
        CompletableFuture.supplyAsync(() -> h.pollWorkflowTask("sticky-q", 10_000));
    EngineHarness.await(
        "a sticky poller", () -> h.engine.matching.hasRecentPoller(
            new TaskQueueKey(
                h.nsId, "sticky-q", QueueTask.KIND_WORKFLOW),
            System.currentTimeMillis()),
        b -> b);
    CompletableFuture<QueryWorkflowResponse> q = query("wf-sticky-q");
    PollWorkflowTaskQueueResponse task = stickyPoll.get(5, TimeUnit.SECONDS);
    assertThat(task.hasQuery()).isTrue();
    assertThat(task.getHistory().getEventsCount()).isZero();
    assertThat(task.getPreviousStartedEventId()).isEqualTo(3);
    answer(task.getTaskToken(), "sticky");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("sticky"));
    assertThat(h.state("wf-sticky-q", runId).stickyQueue).isEqualTo("sticky-q");
  }

  @Test
  void stickyQueryNobodyTakesMovesToTheNormalQueueAndClearsStickiness() throws Exception {
    String runId = startAndCompleteFirstTask("wf-sticky-gone", "sticky-gone");
    // The sticky worker polled once, recently, and is not polling now.
    h.pollWorkflowTask("sticky-gone", 1);
    long t0 = System.nanoTime();
    CompletableFuture<QueryWorkflowResponse> q = query("wf-sticky-gone");
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(4_500);
    assertThat(task.hasQuery()).isTrue();
    assertThat(task.getHistory().getEvents(0).getEventId()).isEqualTo(1);
    answer(task.getTaskToken(), "normal");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("normal"));
    EngineHarness.await("stickiness cleared", () -> h.state("wf-sticky-gone", runId).stickyQueue, String::isEmpty);
  }

  @Test
  void stickyQueryMovesAtOnceWhenTheStickyWorkerShutsDown() throws Exception {
    startAndCompleteFirstTask("wf-sticky-shutdown", "sticky-s");
    h.pollWorkflowTask("sticky-s", 1);
    CompletableFuture<QueryWorkflowResponse> q = query("wf-sticky-shutdown");
    EngineHarness.await("the query is offered", h.engine.queries::pendingQueries, n -> n == 1);
    long t0 = System.nanoTime();
    h.engine.queries.stickyQueueShutDown(h.nsId, "sticky-s");
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
    assertThat(task.hasQuery()).isTrue();
    answer(task.getTaskToken(), "moved");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("moved"));
  }

  @Test
  void queryWaitsForTheFirstWorkflowTask() throws Exception {
    h.start("wf-first");
    CompletableFuture<QueryWorkflowResponse> q = query("wf-first");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.hasQuery()).as("the real task comes first").isFalse();
    h.completeWorkflowTask(wt.getTaskToken());
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.hasQuery()).isTrue();
    answer(task.getTaskToken(), "first");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("first"));
  }

  @Test
  void queryWaitsForAnOutstandingWorkflowTask() throws Exception {
    startAndCompleteFirstTask("wf-outstanding", null);
    h.signal("wf-outstanding", "news");
    CompletableFuture<QueryWorkflowResponse> q = query("wf-outstanding");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.hasQuery()).isFalse();
    Thread.sleep(200);
    assertThat(h.engine.queries.pendingQueries()).as("not dispatched while the task runs").isZero();
    h.completeWorkflowTask(wt.getTaskToken());
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.hasQuery()).isTrue();
    answer(task.getTaskToken(), "after");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("after"));
  }

  @Test
  void eventsBufferedBehindARunningTaskAreSeenBeforeTheQuery() throws Exception {
    startAndCompleteFirstTask("wf-buffered", null);
    h.signal("wf-buffered", "one");
    PollWorkflowTaskQueueResponse wt2 = h.pollWorkflowTask();
    h.signal("wf-buffered", "two"); // buffered behind the running task
    CompletableFuture<QueryWorkflowResponse> q = query("wf-buffered");
    Thread.sleep(100);
    h.completeWorkflowTask(wt2.getTaskToken());
    Thread.sleep(200);
    assertThat(h.engine.queries.pendingQueries())
        .as("the task that delivers the buffered signal comes first")
        .isZero();
    PollWorkflowTaskQueueResponse wt3 = h.pollWorkflowTask();
    assertThat(wt3.hasQuery()).isFalse();
    h.completeWorkflowTask(wt3.getTaskToken());
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.hasQuery()).isTrue();
    answer(task.getTaskToken(), "both");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("both"));
  }

  @Test
  void failedAnswer() {
    startAndCompleteFirstTask("wf-fail", null);
    CompletableFuture<QueryWorkflowResponse> q = query("wf-fail");
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    join(
        h.engine.queries.respondQueryTaskCompleted(
            RespondQueryTaskCompletedRequest.newBuilder()
                .setTaskToken(task.getTaskToken())
                .setCompletedType(QueryResultType.QUERY_RESULT_TYPE_FAILED)
                .setErrorMessage("handler exploded")
                .build()));
    Throwable t = catchThrowable(() -> join(q));
    assertThat(t).isInstanceOf(QueryFailedException.class).hasMessage("handler exploded");
  }

  @Test
  void rejectConditions() throws Exception {
    String runId = startAndCompleteFirstTask("wf-rej", null);
    h.terminate("wf-rej", "bye");
    QueryWorkflowResponse r =
        query("wf-rej", QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_OPEN, 5_000)
            .get(5, TimeUnit.SECONDS);
    assertThat(r.getQueryRejected().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    r =
        query("wf-rej", QueryRejectCondition.QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY, 5_000)
            .get(5, TimeUnit.SECONDS);
    assertThat(r.getQueryRejected().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
    assertThat(h.engine.queries.pendingQueries()).isZero();
    assertThat(runId).isNotEmpty();
  }

  @Test
  void closedBeforeAnyTaskIsNotReady() {
    h.start("wf-early");
    h.terminate("wf-early", "bye");
    Throwable t = catchThrowable(() -> join(query("wf-early")));
    assertThat(t).isInstanceOf(WorkflowNotReadyException.class);
  }

  @Test
  void noPollerFailsFast() {
    h.start("wf-nobody");
    long t0 = System.nanoTime();
    Throwable t = catchThrowable(() -> join(query("wf-nobody")));
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(t).isInstanceOf(EngineException.class);
    assertThat(((EngineException) t).code()).isEqualTo(EngineException.Code.FAILED_PRECONDITION);
    assertThat(t.getMessage()).contains(EngineHarness.TASK_QUEUE);
  }

  @Test
  void unansweredQueryTimesOutAndIsForgotten() throws Exception {
    startAndCompleteFirstTask("wf-slow", null);
    CompletableFuture<QueryWorkflowResponse> q =
        query("wf-slow", QueryRejectCondition.QUERY_REJECT_CONDITION_NONE, 700);
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    ExecutionException e =
        Assertions.assertThrows(
            ExecutionException.class, () -> q.get(5, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(DeadlineExceededException.class);
    assertThat(h.engine.queries.pendingQueries()).isZero();
    EngineException late = catchThrowableOfEngine(() -> answer(task.getTaskToken(), "late"));
    assertThat(late.code()).isEqualTo(EngineException.Code.NOT_FOUND);
    // Nothing is left in the queue for the next poller.
    assertThat(h.pollWorkflowTask(EngineHarness.TASK_QUEUE, 200).getTaskToken()).isEmpty();
  }

  @Test
  void queryTaskOfACancelledPollGoesBackToTheQueue() throws Exception {
    startAndCompleteFirstTask("wf-cancel", null);
    CompletableFuture<QueryWorkflowResponse> q = query("wf-cancel");
    AtomicInteger checks = new AtomicInteger();
    PollCancellation goneAfterMatch =
        new PollCancellation() {
          @Override
          public void onCancel(Runnable r) {}

          @Override
          public boolean isCancelled() {
            return checks.incrementAndGet() > 1; // alive when polling, gone once matched
          }
        };
    PollWorkflowTaskQueueResponse none =
        join(
            h.engine.workflowTasks.pollWorkflowTask(
                h.nsId,
                PollWorkflowTaskQueueRequest.newBuilder()
                    .setNamespace("default")
                    .setTaskQueue(TaskQueue.newBuilder().setName(EngineHarness.TASK_QUEUE))
                    .setIdentity("gone")
                    .build(),
                5_000,
                goneAfterMatch));
    assertThat(none.getTaskToken()).isEmpty();
    PollWorkflowTaskQueueResponse task = h.pollWorkflowTask();
    assertThat(task.hasQuery()).isTrue();
    answer(task.getTaskToken(), "retried");
    assertThat(q.get(5, TimeUnit.SECONDS).getQueryResult()).isEqualTo(payloads("retried"));
  }

  @Test
  void resetStickyTaskQueue() {
    String runId = startAndCompleteFirstTask("wf-reset", "sticky-r");
    assertThat(h.state("wf-reset", runId).stickyQueue).isEqualTo("sticky-r");
    join(h.engine.queries.resetStickyTaskQueue(h.nsId, "wf-reset", ""));
    assertThat(h.state("wf-reset", runId).stickyQueue).isEmpty();
    h.signal("wf-reset", "s");
    PollWorkflowTaskQueueResponse wt = h.pollWorkflowTask();
    assertThat(wt.hasQuery()).isFalse();
    h.terminate("wf-reset", "done");
    EngineException e =
        catchThrowableOfEngine(
            () -> join(h.engine.queries.resetStickyTaskQueue(h.nsId, "wf-reset", "")));
    assertThat(e.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  @Test
  void queryTokenIsNotAWorkflowTaskToken() {
    ByteString token =
        new TaskToken(TaskToken.QUERY, h.nsId, "wf", "run", -5, 1, "").encode();
    EngineException e =
        catchThrowableOfEngine(() -> TaskToken.decode(token, TaskToken.WORKFLOW));
    assertThat(e.getMessage()).contains("a query task token was given where a workflow");
    EngineException missing =
        catchThrowableOfEngine(
            () ->
                h.engine.queries.respondQueryTaskCompleted(
                    RespondQueryTaskCompletedRequest.newBuilder()
                        .setTaskToken(token)
                        .setCompletedType(QueryResultType.QUERY_RESULT_TYPE_ANSWERED)
                        .build()));
    assertThat(missing.code()).isEqualTo(EngineException.Code.NOT_FOUND);
  }

  private static EngineException catchThrowableOfEngine(Runnable r) {
    Throwable t = catchThrowable(r::run);
    assertThat(t).isInstanceOf(EngineException.class);
    return (EngineException) t;
  }
}
