package dev.sundial.bench;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code activities}: each workflow runs K sequential echo activities and returns its input. */
final class WorkloadActivities extends Workload {

  private final int activities;

  WorkloadActivities(int activities) {
    this.activities = activities;
  }

  @Override
  void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(ActivitiesWorkflow.Impl.class);
    worker.registerActivitiesImplementations(new EchoActivities.Impl());
  }

  @Override
  String describe() {
    return activities + " sequential activities per workflow";
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    String input = "input-" + i;
    long start = System.nanoTime();
    WorkflowStub stub =
        client.newUntypedWorkflowStub(ActivitiesWorkflow.TYPE, options(i, Duration.ZERO));
    stub.start(activities, input);
    String result = stub.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS, String.class);
    long latency = System.nanoTime() - start;
    expect(input, result, "workflow result");
    return latency;
  }

  @Override
  void json(Map<String, Object> fields) {
    fields.put("activities", activities);
  }
}
