package dev.sundial.bench;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code updates}: the workflow accepts N updates (the handler returns its argument plus one) and
 * then completes; the client sends them one after another, each waiting for the update's result.
 * Reports per-update latency (the SDK's update call, request to result) and per-workflow latency
 * (start to result).
 */
final class WorkloadUpdates extends Workload {

  /** The workflow under load. */
  @WorkflowInterface
  public interface UpdatesWorkflow {
    String TYPE = "SundialBenchUpdates";
    String UPDATE = "SundialBenchUpdate";

    @WorkflowMethod(name = TYPE)
    long run(int updates);

    @UpdateMethod(name = UPDATE)
    int add(int value);
  }

  /** Completes once N updates have been handled. */
  public static final class UpdatesWorkflowImpl implements UpdatesWorkflow {
    private int handled;
    private long sum;

    @Override
    public long run(int updates) {
      Workflow.await(() -> handled >= updates);
      return sum;
    }

    @Override
    public int add(int value) {
      handled++;
      sum += value;
      return value + 1;
    }
  }

  private final int updates;
  private final LatencySummary.Recorder updateLatency = new LatencySummary.Recorder();

  WorkloadUpdates(int updates) {
    this.updates = updates;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(UpdatesWorkflowImpl.class);
  }

  @Override
  String describe() {
    return updates + " sequential updates per workflow";
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    long start = System.nanoTime();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(UpdatesWorkflow.TYPE, options(i, Duration.ZERO));
    stub.start(updates);
    for (int k = 1; k <= updates; k++) {
      remaining(deadlineNanos);
      long sent = System.nanoTime();
      Integer reply = stub.update(UpdatesWorkflow.UPDATE, Integer.class, k);
      updateLatency.add(System.nanoTime() - sent);
      expect(k + 1, reply, "update result");
    }
    Long result = stub.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS, Long.class);
    long latency = System.nanoTime() - start;
    expect((long) updates * (updates + 1) / 2, result, "sum of update values");
    return latency;
  }

  @Override
  void report(PrintWriter out) {
    printLatency(out, "Update latency (request to result)", updateLatency.summary());
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("updates", updates);
    putLatency(fields, "update", updateLatency.summary());
  }
}
