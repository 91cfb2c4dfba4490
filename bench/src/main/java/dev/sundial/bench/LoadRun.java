package dev.sundial.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * C client threads, each starting a workflow and waiting for its result, until N workflows are
 * done or the duration limit passes. Latency is measured from just before the start call to the
 * result.
 */
final class LoadRun {

  /** What happened; latencies only of workflows that completed with the expected result. */
  record Result(
      int requested,
      int completed,
      int errors,
      int unfinished,
      double elapsedSeconds,
      LatencySummary latency,
      Map<String, Integer> errorKinds) {

    double throughput() {
      return elapsedSeconds <= 0 ? 0 : completed / elapsedSeconds;
    }
  }

  private static final long NOT_DONE = -1;

  private final WorkflowClient client;
  private final String taskQueue;
  private final String runId;
  private final int workflows;
  private final int concurrency;
  private final int activities;
  private final Duration limit;

  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger errors = new AtomicInteger();
  private final AtomicLong lastDoneNanos = new AtomicLong();
  private final Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
  private final long[] latencyNanos;

  LoadRun(
      WorkflowClient client,
      String taskQueue,
      String runId,
      int workflows,
      int concurrency,
      int activities,
      Duration limit) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.runId = runId;
    this.workflows = workflows;
    this.concurrency = concurrency;
    this.activities = activities;
    this.limit = limit;
    this.latencyNanos = new long[workflows];
    Arrays.fill(latencyNanos, NOT_DONE);
  }

  int completedSoFar() {
    return completed.get();
  }

  int errorsSoFar() {
    return errors.get();
  }

  Result run() throws InterruptedException {
    long begin = System.nanoTime();
    long deadline = begin + limit.toNanos();
    lastDoneNanos.set(begin);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            concurrency,
            r -> {
              Thread t = new Thread(r, "bench-client");
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < concurrency; i++) {
      threads.execute(() -> clientLoop(deadline));
    }
    threads.shutdown();
    // Client calls are bounded by the deadline; allow some grace for a call already in flight.
    long graceNanos = Duration.ofSeconds(30).toNanos();
    if (!threads.awaitTermination(limit.toNanos() + graceNanos, TimeUnit.NANOSECONDS)) {
      threads.shutdownNow();
      threads.awaitTermination(5, TimeUnit.SECONDS);
    }
    long end = Math.max(lastDoneNanos.get(), begin);
    long[] done = Arrays.stream(latencyNanos).filter(n -> n != NOT_DONE).toArray();
    int ok = completed.get();
    int failed = errors.get();
    return new Result(
        workflows,
        ok,
        failed,
        Math.max(0, workflows - ok - failed),
        (end - begin) / 1e9,
        LatencySummary.of(done),
        Map.copyOf(errorKinds));
  }

  private void clientLoop(long deadline) {
    while (!Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() >= deadline) {
        return;
      }
      int i = next.getAndIncrement();
      if (i >= workflows) {
        return;
      }
      runOne(i, deadline);
    }
  }

  private void runOne(int i, long deadline) {
    String input = "input-" + i;
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setTaskQueue(taskQueue)
            .setWorkflowId(runId + "-" + i)
            .setWorkflowExecutionTimeout(limit.plusMinutes(1))
            .build();
    long start = System.nanoTime();
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(ActivitiesWorkflow.TYPE, options);
      stub.start(activities, input);
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return; // counted as unfinished
      }
      String result = stub.getResult(remaining, TimeUnit.NANOSECONDS, String.class);
      long end = System.nanoTime();
      if (!input.equals(result)) {
        fail("wrong result");
        return;
      }
      latencyNanos[i] = end - start;
      lastDoneNanos.accumulateAndGet(end, Math::max);
      completed.incrementAndGet();
    } catch (TimeoutException e) {
      // the duration limit passed while waiting: unfinished, not an error
    } catch (RuntimeException e) {
      fail(describe(e));
    }
  }

  private void fail(String kind) {
    errors.incrementAndGet();
    errorKinds.merge(kind, 1, Integer::sum);
  }

  /** The innermost cause's type and message, short enough to group errors by. */
  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage() == null ? "" : ": " + root.getMessage();
    String text = root.getClass().getSimpleName() + msg;
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
