package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventTypes;
import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Activities scheduled one at a time and many at once. */
class ActivityBasicsTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build();

  @ActivityInterface
  public interface Greetings {
    String greet(String name);
  }

  @ActivityInterface
  public interface Squares {
    int square(int x);
  }

  /** All parallel activities must be running at the same time before any of them returns. */
  @ActivityInterface
  public interface Rendezvous {
    int meet(int x);
  }

  public static class GreetingsImpl implements Greetings {
    @Override
    public String greet(String name) {
      return "Hello, " + name + "!";
    }
  }

  public static class SquaresImpl implements Squares {
    @Override
    public int square(int x) {
      return x * x;
    }
  }

  public static class RendezvousImpl implements Rendezvous {
    final CountDownLatch everyoneThere;

    RendezvousImpl(int parties) {
      everyoneThere = new CountDownLatch(parties);
    }

    @Override
    public int meet(int x) {
      everyoneThere.countDown();
      try {
        if (!everyoneThere.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("parallel activities were not dispatched concurrently");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return x * 10;
    }
  }

  @WorkflowInterface
  public interface SingleActivityWorkflow {
    @WorkflowMethod
    String run(String name);
  }

  public static class SingleActivityWorkflowImpl implements SingleActivityWorkflow {
    private final Greetings greetings = Workflow.newActivityStub(Greetings.class, OPTIONS);

    @Override
    public String run(String name) {
      return greetings.greet(name);
    }
  }

  @WorkflowInterface
  public interface SequentialWorkflow {
    @WorkflowMethod
    List<Integer> run(int n);
  }

  public static class SequentialWorkflowImpl implements SequentialWorkflow {
    private final Squares squares = Workflow.newActivityStub(Squares.class, OPTIONS);

    @Override
    public List<Integer> run(int n) {
      List<Integer> out = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        out.add(squares.square(i));
      }
      return out;
    }
  }

  @WorkflowInterface
  public interface ParallelWorkflow {
    @WorkflowMethod
    int run(int n);
  }

  public static class ParallelWorkflowImpl implements ParallelWorkflow {
    private final Rendezvous rendezvous = Workflow.newActivityStub(Rendezvous.class, OPTIONS);

    @Override
    public int run(int n) {
      List<Promise<Integer>> results = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        results.add(Async.function(rendezvous::meet, i));
      }
      Promise.allOf(results).get();
      int sum = 0;
      for (Promise<Integer> p : results) {
        sum += p.get();
      }
      return sum;
    }
  }

  @Test
  void singleActivity() {
    sundial.worker().registerWorkflowImplementationTypes(SingleActivityWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new GreetingsImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("single");
    SingleActivityWorkflow wf = sundial.newWorkflowStub(SingleActivityWorkflow.class, id);
    assertThat(wf.run("Sundial")).isEqualTo("Hello, Sundial!");

    // The exact event sequence a Temporal server writes for one activity.
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(eventTypes(history))
        .containsExactly(
            EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EVENT_TYPE_ACTIVITY_TASK_STARTED,
            EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
            EVENT_TYPE_WORKFLOW_TASK_STARTED,
            EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    for (int i = 0; i < history.size(); i++) {
      assertThat(history.get(i).getEventId()).as("event id of event #%d", i).isEqualTo(i + 1);
    }
    var scheduled = history.get(4).getActivityTaskScheduledEventAttributes();
    assertThat(scheduled.getActivityType().getName()).isEqualTo("Greet");
    assertThat(scheduled.getTaskQueue().getName()).isEqualTo(sundial.taskQueue());
    assertThat(scheduled.getWorkflowTaskCompletedEventId()).isEqualTo(4);
    var started = history.get(5).getActivityTaskStartedEventAttributes();
    assertThat(started.getScheduledEventId()).isEqualTo(5);
    assertThat(started.getAttempt()).isEqualTo(1);
    var completed = history.get(6).getActivityTaskCompletedEventAttributes();
    assertThat(completed.getScheduledEventId()).isEqualTo(5);
    assertThat(completed.getStartedEventId()).isEqualTo(6);
    String activityResult =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, Optional.of(completed.getResult()), String.class, String.class);
    assertThat(activityResult).isEqualTo("Hello, Sundial!");
    var wfCompleted = history.get(10).getWorkflowExecutionCompletedEventAttributes();
    assertThat(wfCompleted.getWorkflowTaskCompletedEventId()).isEqualTo(10);
  }

  @Test
  void sequentialActivities() {
    sundial.worker().registerWorkflowImplementationTypes(SequentialWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new SquaresImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("sequential");
    SequentialWorkflow wf = sundial.newWorkflowStub(SequentialWorkflow.class, id);
    assertThat(wf.run(5)).containsExactly(1, 4, 9, 16, 25);

    // Each activity is scheduled only after the previous one completed.
    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> scheduled = eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    List<HistoryEvent> completed = eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    assertThat(scheduled).hasSize(5);
    assertThat(completed).hasSize(5);
    for (int i = 1; i < 5; i++) {
      assertThat(scheduled.get(i).getEventId())
          .as("activity %d scheduled after activity %d completed", i + 1, i)
          .isGreaterThan(completed.get(i - 1).getEventId());
    }
    assertThat(history.get(history.size() - 1).getEventType())
        .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }

  @Test
  void parallelActivities() throws Exception {
    int n = 5;
    sundial.worker().registerWorkflowImplementationTypes(ParallelWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new RendezvousImpl(n));
    sundial.startWorkers();

    String id = sundial.newWorkflowId("parallel");
    ParallelWorkflow wf = sundial.newWorkflowStub(ParallelWorkflow.class, id);
    WorkflowClient.start(wf::run, n);
    int result = WorkflowStub.fromTyped(wf).getResult(60, TimeUnit.SECONDS, Integer.class);
    assertThat(result).isEqualTo(10 * (1 + 2 + 3 + 4 + 5));

    // All five were scheduled by the same workflow task completion, and each completed once.
    List<HistoryEvent> history = sundial.history(id, null);
    List<HistoryEvent> scheduled = eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertThat(scheduled).hasSize(n);
    Set<Long> completedBy =
        scheduled.stream()
            .map(e -> e.getActivityTaskScheduledEventAttributes().getWorkflowTaskCompletedEventId())
            .collect(Collectors.toSet());
    assertThat(completedBy).hasSize(1);
    Set<Long> scheduledIds =
        scheduled.stream().map(HistoryEvent::getEventId).collect(Collectors.toSet());
    Set<Long> completedScheduledIds =
        eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED).stream()
            .map(e -> e.getActivityTaskCompletedEventAttributes().getScheduledEventId())
            .collect(Collectors.toSet());
    assertThat(completedScheduledIds).isEqualTo(scheduledIds);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED)).hasSize(n);
  }
}
