package dev.sundial.bench;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code children}: a parent starts N child workflows at once, each returning a value, waits for
 * all and returns their sum. Latency: parent start to parent result.
 */
final class WorkloadChildren extends Workload {

  /** The parent. */
  @WorkflowInterface
  public interface ParentWorkflow {
    String TYPE = "SundialBenchParent";

    @WorkflowMethod(name = TYPE)
    long run(int children);
  }

  /** The child: returns its input plus one. */
  @WorkflowInterface
  public interface ChildWorkflow {
    @WorkflowMethod(name = "SundialBenchChild")
    int run(int value);
  }

  /** Starts all children before waiting for any. */
  public static final class ParentWorkflowImpl implements ParentWorkflow {
    @Override
    public long run(int children) {
      List<Promise<Integer>> results = new ArrayList<>();
      for (int k = 0; k < children; k++) {
        ChildWorkflow child = Workflow.newChildWorkflowStub(ChildWorkflow.class);
        results.add(Async.function(child::run, k));
      }
      long sum = 0;
      for (Promise<Integer> result : results) {
        sum += result.get();
      }
      return sum;
    }
  }

  /** The child's implementation. */
  public static final class ChildWorkflowImpl implements ChildWorkflow {
    @Override
    public int run(int value) {
      return value + 1;
    }
  }

  private final int children;

  WorkloadChildren(int children) {
    this.children = children;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(ParentWorkflowImpl.class, ChildWorkflowImpl.class);
  }

  @Override
  String describe() {
    return children + " children per parent workflow";
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    long start = System.nanoTime();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(ParentWorkflow.TYPE, options(i, Duration.ZERO));
    stub.start(children);
    Long result = stub.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS, Long.class);
    long latency = System.nanoTime() - start;
    expect((long) children * (children + 1) / 2, result, "sum of child results");
    return latency;
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("children", children);
  }
}
