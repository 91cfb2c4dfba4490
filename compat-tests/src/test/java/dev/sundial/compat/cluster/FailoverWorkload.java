package dev.sundial.compat.cluster;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The workflow of {@link ClusterFailoverTest}: activity {@code first}, a 1-2 s timer, a signal,
 * activity {@code second}, a result that depends on all three. Activity executions are recorded in
 * this JVM (what ran, when) so the test can count re-executions and measure progress gaps.
 */
final class FailoverWorkload {
  private FailoverWorkload() {}

  /** One activity execution seen by a worker (start and end, System.nanoTime). */
  record Progress(String workflowId, String activity, long startNanos, long endNanos) {}

  static final ConcurrentLinkedQueue<Progress> PROGRESS = new ConcurrentLinkedQueue<>();
  static final Map<String, AtomicInteger> EXECUTIONS = new ConcurrentHashMap<>();
  static final AtomicInteger RUNS = new AtomicInteger();

  /** Called once per workflow when its first activity ran (schedules the signal). */
  static volatile Consumer<String> firstActivityDone = id -> {};

  @ActivityInterface
  public interface Steps {
    int first(String workflowId, int seed);

    String second(String workflowId, int first, String signal);
  }

  public static class StepsImpl implements Steps {
    @Override
    public int first(String workflowId, int seed) {
      long start = System.nanoTime();
      work(workflowId);
      record(workflowId, "first", start);
      firstActivityDone.accept(workflowId);
      return seed * 3 + 1;
    }

    @Override
    public String second(String workflowId, int first, String signal) {
      long start = System.nanoTime();
      work(workflowId);
      record(workflowId, "second", start);
      return workflowId + ":" + first + ":" + signal;
    }

    private static void record(String workflowId, String activity, long start) {
      EXECUTIONS
          .computeIfAbsent(workflowId + "/" + activity, k -> new AtomicInteger())
          .incrementAndGet();
      PROGRESS.add(new Progress(workflowId, activity, start, System.nanoTime()));
      RUNS.incrementAndGet();
    }

    /** 20-60 ms of "work", so kills also land while activities run. */
    private static void work(String workflowId) {
      LockSupport.parkNanos(
          TimeUnit.MILLISECONDS.toNanos(20 + Math.floorMod(workflowId.hashCode(), 41)));
    }
  }

  @WorkflowInterface
  public interface FailoverWorkflow {
    @WorkflowMethod
    String run(int seed);

    @SignalMethod
    void proceed(String value);
  }

  public static class FailoverWorkflowImpl implements FailoverWorkflow {
    private final Steps steps =
        Workflow.newActivityStub(
            Steps.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(5))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(500))
                        .setBackoffCoefficient(1.5)
                        .setMaximumInterval(Duration.ofSeconds(2))
                        .build())
                .build());
    private String signal;

    @Override
    public String run(int seed) {
      String id = Workflow.getInfo().getWorkflowId();
      int first = steps.first(id, seed);
      Workflow.sleep(sleepOf(seed));
      Workflow.await(() -> signal != null);
      return steps.second(id, first, signal);
    }

    @Override
    public void proceed(String value) {
      signal = value;
    }
  }

  static Duration sleepOf(int seed) {
    return Duration.ofMillis(1000 + (seed * 137L) % 1000);
  }

  static String signalValue(int seed) {
    return "go-" + seed;
  }

  static String expected(String id, int seed) {
    return id + ":" + (seed * 3 + 1) + ":" + signalValue(seed);
  }

  static void reset() {
    PROGRESS.clear();
    EXECUTIONS.clear();
    RUNS.set(0);
    firstActivityDone = id -> {};
  }
}
