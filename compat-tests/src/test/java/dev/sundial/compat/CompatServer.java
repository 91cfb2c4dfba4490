package dev.sundial.compat;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The part of the test fixture that does not care which server it talks to: a {@link
 * WorkflowClient} for the class, a fresh task queue and {@link WorkerFactory} per test, and small
 * helpers over the raw API (history, describe, waiting on a condition).
 */
public abstract class CompatServer
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  public static final String NAMESPACE = "default";

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private WorkerFactory factory;
  private Worker worker;
  private String taskQueue;
  private boolean anyTestFailed;

  /** Starts the server for a test class and returns stubs connected to it. */
  protected abstract WorkflowServiceStubs startServer(ExtensionContext context) throws Exception;

  /** Stops the server started by {@link #startServer}. */
  protected abstract void stopServer(boolean anyTestFailed) throws Exception;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    stubs = startServer(context);
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(NAMESPACE).build());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (stubs != null) {
        stubs.shutdownNow();
        stubs.awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      stubs = null;
      client = null;
      stopServer(anyTestFailed);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    String name =
        context.getRequiredTestClass().getSimpleName()
            + "-"
            + context.getRequiredTestMethod().getName()
            + "-"
            + SEQUENCE.incrementAndGet();
    taskQueue = name;
    factory = WorkerFactory.newInstance(client);
    worker = null;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      anyTestFailed = true;
    }
    WorkerFactory f = factory;
    factory = null;
    worker = null;
    if (f != null) {
      f.shutdownNow();
      f.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- accessors

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs stubs() {
    return stubs;
  }

  public WorkflowServiceGrpc.WorkflowServiceBlockingStub blockingStub() {
    return stubs.blockingStub();
  }

  /** The task queue of the current test (unique per test). */
  public String taskQueue() {
    return taskQueue;
  }

  /** The worker polling the current test's task queue (created on first use). */
  public Worker worker() {
    if (worker == null) {
      worker = factory.newWorker(taskQueue);
    }
    return worker;
  }

  /** Another worker of the current test's factory, on another queue or with other options. */
  public Worker newWorker(String queue, WorkerOptions options) {
    return factory.newWorker(queue, options);
  }

  /** Starts the workers registered so far in this test. */
  public void startWorkers() {
    factory.start();
  }

  /** A workflow id unique within the whole test run. */
  public String newWorkflowId(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  /** Options with the current test's task queue and the given workflow id. */
  public WorkflowOptions.Builder workflowOptions(String workflowId) {
    return WorkflowOptions.newBuilder().setTaskQueue(taskQueue).setWorkflowId(workflowId);
  }

  public <T> T newWorkflowStub(Class<T> workflowInterface, String workflowId) {
    return client.newWorkflowStub(workflowInterface, workflowOptions(workflowId).build());
  }

  // ---------------------------------------------------------------- raw API helpers

  /** The whole history of a run (runId may be null for the current run), read page by page. */
  public List<HistoryEvent> history(String workflowId, String runId) {
    return history(stubs, workflowId, runId);
  }

  /**
   * The same through any server's stubs (a child JVM, a cluster node); each page within 20 s, so
   * a frozen server fails the read instead of hanging it.
   */
  public static List<HistoryEvent> history(
      WorkflowServiceStubs stubs, String workflowId, String runId) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      GetWorkflowExecutionHistoryResponse response =
          stubs
              .blockingStub()
              .withDeadlineAfter(20, TimeUnit.SECONDS)
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(NAMESPACE)
                      .setExecution(execution(workflowId, runId))
                      .setNextPageToken(token)
                      .build());
      events.addAll(response.getHistory().getEventsList());
      token = response.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }

  /** The status of the workflow's current run. */
  public WorkflowExecutionStatus status(String workflowId) {
    return describe(workflowId, null).getWorkflowExecutionInfo().getStatus();
  }

  public DescribeWorkflowExecutionResponse describe(String workflowId, String runId) {
    return blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(NAMESPACE)
                .setExecution(execution(workflowId, runId))
                .build());
  }

  public static WorkflowExecution execution(String workflowId, String runId) {
    WorkflowExecution.Builder b = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null) {
      b.setRunId(runId);
    }
    return b.build();
  }

  public static List<HistoryEvent> eventsOfType(List<HistoryEvent> history, EventType type) {
    return history.stream().filter(e -> e.getEventType() == type).collect(Collectors.toList());
  }

  public static List<EventType> eventTypes(List<HistoryEvent> history) {
    return history.stream().map(HistoryEvent::getEventType).collect(Collectors.toList());
  }

  /** Runs a call that is expected to fail and returns the gRPC status exception it threw. */
  public static StatusRuntimeException expectStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("expected the call to fail with a gRPC status, but it succeeded");
  }

  /**
   * Waits until the condition holds, checking every few milliseconds, and fails with the given
   * description when it does not within the timeout.
   */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
