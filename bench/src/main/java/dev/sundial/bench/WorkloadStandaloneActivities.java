package dev.sundial.bench;

import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityClientOptions;
import io.temporal.client.ActivityHandle;
import io.temporal.client.StartActivityOptions;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code standalone}: each unit is one standalone activity (no workflow) started with the SDK's
 * ActivityClient and awaited; compare with {@code activities --activities 1}, the same echo
 * inside a workflow.
 */
final class WorkloadStandaloneActivities extends Workload {
  private ActivityClient activities;

  @Override
  void register(Worker worker) {
    worker.registerActivitiesImplementations(new EchoActivities.Impl());
  }

  @Override
  String describe() {
    return "one echo activity per unit, started on its own";
  }

  @Override
  String unit() {
    return "activity";
  }

  @Override
  void setUp() {
    activities = ActivityClient.newInstance(client.getWorkflowServiceStubs(),
        ActivityClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
  }

  @Override
  long runUnit(int i, long deadlineNanos) throws TimeoutException {
    String input = "input-" + i;
    long start = System.nanoTime();
    ActivityHandle<String> handle = activities.start(EchoActivities.class, EchoActivities::echo,
        StartActivityOptions.newBuilder()
            .setId(runId + "-" + i)
            .setTaskQueue(taskQueue)
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setScheduleToCloseTimeout(limit.plusMinutes(1))
            .build(),
        input);
    String result = handle.getResult(remaining(deadlineNanos), TimeUnit.NANOSECONDS);
    long latency = System.nanoTime() - start;
    expect(input, result, "activity result");
    return latency;
  }
}
