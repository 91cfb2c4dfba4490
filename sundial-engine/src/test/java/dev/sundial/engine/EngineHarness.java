package dev.sundial.engine;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.worker.ActivityTaskService;
import dev.sundial.persistence.sqlite.SqliteStore;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedResponse;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An engine on a SQLite store with a manually advanced clock, plus worker-side shortcuts: start,
 * poll, respond, read history, and wait (with a deadline) for background transitions.
 */
public final class EngineHarness implements AutoCloseable {
  public static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  public static final String TASK_QUEUE = "tq";
  public static final String IDENTITY = "test-worker";
  /** How long a test waits for something that must happen (generous: CI machines are slow). */
  public static final long WAIT_MILLIS = 10_000;

  public static final PollCancellation NEVER_CANCELLED = PollCancellation.NEVER;

  public final MutableClock clock;
  public final SqliteStore store;
  public final Engine engine;
  public final String nsId;

  private EngineHarness(SqliteStore store, MutableClock clock) {
    this.clock = clock;
    this.store = store;
    this.engine = new Engine(store, clock, 4, EngineContext.Limits.defaults());
    this.nsId = engine.namespaces().byName("default").id();
  }

  public static EngineHarness inMemory() {
    return new EngineHarness(SqliteStore.openInMemory(), new MutableClock(T0));
  }

  public static EngineHarness onFile(Path file, MutableClock clock) {
    return new EngineHarness(SqliteStore.open(file), clock);
  }

  /**
   * Stops the engine, then checks that every run it left behind rebuilds from its history to its
   * stored state (see {@link RebuildCheck}), then closes the store.
   */
  @Override
  public void close() {
    engine.close();
    try {
      List<String> namespaceIds = new ArrayList<>();
      engine.namespaces().list().forEach(n -> namespaceIds.add(n.id()));
      RebuildCheck.assertEveryRunRebuilds(store, store.visibility(), namespaceIds);
    } finally {
      store.close();
    }
  }

  public long now() {
    return clock.millis();
  }

  // ------------------------------------------------------------------ workflows

  public static StartWorkflowExecutionRequest.Builder startRequest(String workflowId) {
    return StartWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName("TestWorkflow"))
        .setTaskQueue(TaskQueue.newBuilder().setName(TASK_QUEUE))
        .setRequestId(UUID.randomUUID().toString())
        .setIdentity("test-client");
  }

  public StartWorkflowExecutionResponse start(StartWorkflowExecutionRequest req) {
    return join(engine.workflows.start(nsId, req));
  }

  /** Starts a workflow with defaults and returns its run id. */
  public String start(String workflowId) {
    StartWorkflowExecutionResponse r = start(startRequest(workflowId).build());
    assertThat(r.getStarted()).isTrue();
    return r.getRunId();
  }

  public void signal(String workflowId, String name) {
    join(
        engine.workflows.signal(
            nsId,
            SignalWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .setSignalName(name)
                .setIdentity("signaler")
                .setRequestId(UUID.randomUUID().toString())
                .build()));
  }

  public void terminate(String workflowId, String reason) {
    join(engine.workflows.terminate(nsId, workflowId, "", "", reason, null, "terminator"));
  }

  // ------------------------------------------------------------------ workflow tasks

  public PollWorkflowTaskQueueResponse pollWorkflowTask(String taskQueue, long timeoutMillis) {
    return join(
        engine.workflowTasks.pollWorkflowTask(
            nsId,
            PollWorkflowTaskQueueRequest.newBuilder()
                .setNamespace("default")
                .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
                .setIdentity(IDENTITY)
                .build(),
            timeoutMillis,
            NEVER_CANCELLED));
  }

  /** Polls the default queue and insists on getting a task. */
  public PollWorkflowTaskQueueResponse pollWorkflowTask() {
    return pollWorkflowTask(TASK_QUEUE);
  }

  public PollWorkflowTaskQueueResponse pollWorkflowTask(String taskQueue) {
    PollWorkflowTaskQueueResponse r = pollWorkflowTask(taskQueue, WAIT_MILLIS);
    assertThat(r.getTaskToken()).as("a workflow task on %s", taskQueue).isNotEmpty();
    return r;
  }

  public RespondWorkflowTaskCompletedResponse completeWorkflowTask(
      ByteString token, Command... commands) {
    return completeWorkflowTask(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default")
            .setTaskToken(token)
            .setIdentity(IDENTITY)
            .addAllCommands(List.of(commands))
            .build());
  }

  public RespondWorkflowTaskCompletedResponse completeWorkflowTask(
      RespondWorkflowTaskCompletedRequest req) {
    return join(engine.workflowTasks.completeWorkflowTask(req));
  }

  // ------------------------------------------------------------------ activity tasks

  public PollActivityTaskQueueResponse pollActivityTask(String taskQueue, long timeoutMillis) {
    return join(
        engine.activityTasks.pollActivityTask(
            nsId,
            PollActivityTaskQueueRequest.newBuilder()
                .setNamespace("default")
                .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
                .setIdentity(IDENTITY)
                .build(),
            timeoutMillis,
            NEVER_CANCELLED));
  }

  public PollActivityTaskQueueResponse pollActivityTask() {
    PollActivityTaskQueueResponse r = pollActivityTask(TASK_QUEUE, WAIT_MILLIS);
    assertThat(r.getTaskToken()).as("an activity task").isNotEmpty();
    return r;
  }

  public void completeActivity(ByteString token, Payloads result) {
    join(engine.activityTasks.completeActivity(ActivityTaskService.ActivityRef.ofToken(token), result, IDENTITY));
  }

  public void failActivity(ByteString token, Failure failure) {
    join(engine.activityTasks.failActivity(ActivityTaskService.ActivityRef.ofToken(token), failure, null, IDENTITY));
  }

  // ------------------------------------------------------------------ reads

  public List<HistoryEvent> history(String workflowId, String runId) {
    List<HistoryEvent> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse r =
          join(
              engine.history.getHistory(
                  nsId,
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                      .setNextPageToken(token)
                      .build(),
                  0));
      all.addAll(r.getHistory().getEventsList());
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  public MutableState state(String workflowId, String runId) {
    return engine.history.readState(nsId, workflowId, runId);
  }

  /** Waits (polling, with a deadline) until the run's history satisfies the condition. */
  public List<HistoryEvent> awaitHistory(
      String workflowId, String runId, String what, Predicate<List<HistoryEvent>> condition) {
    return await(what, () -> history(workflowId, runId), condition);
  }

  /** Waits until the last event of the run's history has the given type. */
  public List<HistoryEvent> awaitLastEvent(String workflowId, String runId, EventType type) {
    return awaitHistory(
        workflowId, runId, "last event " + type,
        h -> !h.isEmpty() && h.get(h.size() - 1).getEventType() == type);
  }

  public static <T> T await(String what, Supplier<T> read, Predicate<T> condition) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    T last = read.get();
    while (!condition.test(last)) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + "; last value: " + last);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      last = read.get();
    }
    return last;
  }

  // ------------------------------------------------------------------ futures and errors

  public static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error er) throw er;
      throw new CompletionException(c);
    } catch (TimeoutException e) {
      throw new AssertionError("operation did not complete in " + WAIT_MILLIS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs an operation that must fail with an EngineException, thrown directly or via its future. */
  public static EngineException engineError(Supplier<? extends CompletableFuture<?>> op) {
    try {
      join(op.get());
    } catch (EngineException e) {
      return e;
    }
    throw new AssertionError("expected an EngineException");
  }

  // ------------------------------------------------------------------ small builders

  public static Payloads payloads(String text) {
    return Payloads.newBuilder()
        .addPayloads(
            Payload.newBuilder()
                .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                .setData(ByteString.copyFrom("\"" + text + "\"", StandardCharsets.UTF_8)))
        .build();
  }

  public static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  public void advance(Duration d) {
    clock.advance(d);
  }
}
