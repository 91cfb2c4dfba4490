package dev.sundial.cli.workflow;

import io.temporal.spring.boot.WorkflowImpl;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** Two versions of one workflow type: V2 dropped V1's timer, a non-deterministic change. */
public final class ReplayWorkflows {
  private ReplayWorkflows() {}

  @WorkflowInterface
  public interface Replayed {
    @WorkflowMethod(name = "Replayed")
    String run(String name);
  }

  public static final class V1Impl implements Replayed {
    @Override
    public String run(String name) {
      Workflow.sleep(Duration.ofMillis(10));
      return "hello " + name;
    }
  }

  /** V1 as a Spring Boot application marks it: found by `workflow replay` without --workflow-class. */
  @WorkflowImpl(taskQueues = "replay")
  public static final class MarkedV1Impl implements Replayed {
    @Override
    public String run(String name) {
      Workflow.sleep(Duration.ofMillis(10));
      return "hello " + name;
    }
  }

  public static final class V2Impl implements Replayed {
    @Override
    public String run(String name) {
      return "hello " + name;
    }
  }
}
