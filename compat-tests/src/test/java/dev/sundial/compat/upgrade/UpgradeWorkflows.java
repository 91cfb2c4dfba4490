package dev.sundial.compat.upgrade;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.common.RetryOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflows stored in the upgrade fixture. They must not change: the fixture's histories
 * were made by these exact classes, and the upgrade test replays them.
 */
public final class UpgradeWorkflows {
  private UpgradeWorkflows() {}

  public static final String QUEUE = "upgrade";

  /** A started worker factory with these workflows and activities on {@link #QUEUE}. */
  public static WorkerFactory startWorker(WorkflowClient client) {
    var factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OrderImpl.class, ChildImpl.class);
    worker.registerActivitiesImplementations(new StepsImpl());
    factory.start();
    return factory;
  }

  @ActivityInterface
  public interface Steps {
    String step(String what);
  }

  public static final class StepsImpl implements Steps {
    @Override
    public String step(String what) {
      return "did " + what;
    }
  }

  @WorkflowInterface
  public interface Child {
    @WorkflowMethod(name = "UpgradeChild")
    String run(String name);
  }

  public static final class ChildImpl implements Child {
    @Override
    public String run(String name) {
      return "child " + name;
    }
  }

  /**
   * One activity, one child, then waits for a signal (behind a ten-year timer) with signals
   * counted, and one more activity at the end: a run stored mid-way has history, pending timers
   * and state.
   */
  @WorkflowInterface
  public interface Order {
    @WorkflowMethod(name = "UpgradeOrder")
    List<String> run(String id);

    @SignalMethod
    void add(String item);

    @SignalMethod
    void finish();

    @QueryMethod
    List<String> items();
  }

  public static final class OrderImpl implements Order {
    private final List<String> items = new ArrayList<>();
    private boolean done;

    @Override
    public List<String> run(String id) {
      Steps steps = Workflow.newActivityStub(Steps.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofSeconds(1)).build())
          .build());
      List<String> out = new ArrayList<>();
      out.add(steps.step("reserve " + id));
      out.add(Workflow.newChildWorkflowStub(Child.class).run(id));
      // A timer that outlives any test run (the generator waits for it to know the order is parked).
      Workflow.await(Duration.ofDays(3650), () -> done);
      out.addAll(items);
      out.add(steps.step("ship " + id));
      return out;
    }

    @Override
    public void add(String item) {
      items.add(item);
    }

    @Override
    public void finish() {
      done = true;
    }

    @Override
    public List<String> items() {
      return items;
    }
  }
}
