package dev.sundial.bench;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** The {@code activities} workload: K sequential echo activities; the result is the input. */
@WorkflowInterface
public interface ActivitiesWorkflow {

  String TYPE = "SundialBenchActivities";

  @WorkflowMethod(name = TYPE)
  String run(int activities, String input);

  /** The worker-side implementation. */
  final class Impl implements ActivitiesWorkflow {
    private final EchoActivities echo =
        Workflow.newActivityStub(
            EchoActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());

    @Override
    public String run(int activities, String input) {
      String value = input;
      for (int i = 0; i < activities; i++) {
        value = echo.echo(value);
      }
      return value;
    }
  }
}
