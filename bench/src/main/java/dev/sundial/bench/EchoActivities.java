package dev.sundial.bench;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The benchmark's only activity: returns its input. */
@ActivityInterface
public interface EchoActivities {

  @ActivityMethod(name = "SundialBenchEcho")
  String echo(String input);

  /** The worker-side implementation. */
  final class Impl implements EchoActivities {
    @Override
    public String echo(String input) {
      return input;
    }
  }
}
