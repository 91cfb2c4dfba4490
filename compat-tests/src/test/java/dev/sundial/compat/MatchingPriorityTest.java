package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.Priority;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A task queue's backlog is dispatched as Temporal's matcher does it: by priority key first (1
 * before 5, unset as 3), then fairly across fairness keys. The activities wait in the backlog
 * until a worker that runs one at a time starts, so the order they run in is the dispatch order.
 */
class MatchingPriorityTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final Queue<String> RAN = new ConcurrentLinkedQueue<>();

  @ActivityInterface
  public interface Step {
    void step(String name);
  }

  public static class StepImpl implements Step {
    @Override
    public void step(String name) {
      RAN.add(name);
    }
  }

  @WorkflowInterface
  public interface Scheduler {
    /** Schedules one activity per spec "name:priorityKey:fairnessKey" at once, in order. */
    @WorkflowMethod
    void run(String queue, List<String> specs);
  }

  public static class SchedulerImpl implements Scheduler {
    @Override
    public void run(String queue, List<String> specs) {
      List<Promise<Void>> all = new ArrayList<>();
      for (String spec : specs) {
        String[] f = spec.split(":", -1);
        Priority.Builder p = Priority.newBuilder().setPriorityKey(Integer.parseInt(f[1]));
        if (!f[2].isEmpty()) p.setFairnessKey(f[2]);
        Step step =
            Workflow.newActivityStub(
                Step.class,
                ActivityOptions.newBuilder()
                    .setTaskQueue(queue)
                    .setStartToCloseTimeout(Duration.ofSeconds(10))
                    .setPriority(p.build())
                    .build());
        all.add(Async.procedure(step::step, f[0]));
      }
      Promise.allOf(all).get();
    }
  }

  private List<String> runInDispatchOrder(List<String> specs) {
    RAN.clear();
    sundial.worker().registerWorkflowImplementationTypes(SchedulerImpl.class);
    String activityQueue = sundial.taskQueue() + "-activities";
    sundial.startWorkers();
    String id = sundial.newWorkflowId("priorities");
    Scheduler wf = sundial.newWorkflowStub(Scheduler.class, id);
    WorkflowClient.start(wf::run, activityQueue, specs);
    CompatServer.await(Duration.ofSeconds(30), "every activity to wait in the backlog", () ->
        sundial.describe(id, "").getPendingActivitiesList().stream()
                .filter(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED)
                .count() == specs.size());
    // One activity at a time, one poll at a time: they run in the order they are dispatched.
    WorkerFactory activities = WorkerFactory.newInstance(sundial.client());
    try {
      Worker w =
          activities.newWorker(
              activityQueue,
              WorkerOptions.newBuilder()
                  .setMaxConcurrentActivityExecutionSize(1)
                  .setMaxConcurrentActivityTaskPollers(1)
                  .build());
      w.registerActivitiesImplementations(new StepImpl());
      activities.start();
      WorkflowStub.fromTyped(wf).getResult(Void.class);
    } finally {
      activities.shutdownNow();
    }
    return List.copyOf(RAN);
  }

  @Test
  void higherPriorityTasksAreDispatchedFirst() {
    assertThat(runInDispatchOrder(List.of("p5:5:", "unset:0:", "p1:1:", "p3:3:", "p2:2:", "p1b:1:")))
        .containsExactly("p1", "p1b", "p2", "unset", "p3", "p5");
  }

  @Test
  void fairnessKeysTakeTurnsWithinAPriority() {
    assertThat(runInDispatchOrder(
            List.of("a1:0:a", "a2:0:a", "a3:0:a", "a4:0:a", "b1:0:b", "b2:0:b", "urgent:1:a")))
        .containsExactly("urgent", "a1", "b1", "a2", "b2", "a3", "a4");
  }
}
