package dev.sundial.bench;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code signals}: the workflow waits for N signals and returns the sum of their values; the
 * client sends the N signals one after another right after the start. Latency: start to result.
 */
final class WorkloadSignals extends Workload {

  /** The workflow under load. */
  @WorkflowInterface
  public interface SignalsWorkflow {
    String TYPE = "SundialBenchSignals";
    String SIGNAL = "SundialBenchSignal";

    @WorkflowMethod(name = TYPE)
    long run(int signals);

    @SignalMethod(name = SIGNAL)
    void add(int value);
  }

  /** Counts signals; completes once N have arrived. */
  public static final class SignalsWorkflowImpl implements SignalsWorkflow {
    private int received;
    private long sum;

    @Override
    public long run(int signals) {
      Workflow.await(() -> received >= signals);
      return sum;
    }

    @Override
    public void add(int value) {
      received++;
      sum += value;
    }
  }

  private final int signals;

  WorkloadSignals(int signals) {
    this.signals = signals;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(SignalsWorkflowImpl.class);
  }

  @Override
  String describe() {
    return signals + " signals per workflow";
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    long start = System.nanoTime();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(SignalsWorkflow.TYPE, options(i, Duration.ZERO));
    stub.start(signals);
    for (int k = 1; k <= signals; k++) {
      stub.signal(SignalsWorkflow.SIGNAL, k);
    }
    Long result = stub.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS, Long.class);
    long latency = System.nanoTime() - start;
    expect((long) signals * (signals + 1) / 2, result, "sum of signal values");
    return latency;
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("signals", signals);
  }
}
