package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server-side activity retries: attempts, back-off, non-retryable failures, heartbeat details. */
class ActivityRetryTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

  /** Attempt numbers as seen by the activity, by scenario. */
  static final Map<String, List<Integer>> ATTEMPTS = new ConcurrentHashMap<>();

  /** When each attempt started and when it failed (System.nanoTime), by scenario. */
  static final Map<String, List<long[]>> TIMES = new ConcurrentHashMap<>();

  /** Heartbeat details each attempt saw at its start, by scenario. */
  static final Map<String, List<String>> SEEN_DETAILS = new ConcurrentHashMap<>();

  @BeforeEach
  void reset() {
    ATTEMPTS.clear();
    TIMES.clear();
    SEEN_DETAILS.clear();
  }

  @ActivityInterface
  public interface Flaky {
    /** Fails with a retryable error until the given attempt, then returns. */
    String succeedOnAttempt(String scenario, int attempt);

    /** Throws whatever the scenario says: "non-retryable", "do-not-retry", "java-do-not-retry". */
    String fail(String scenario);

    /** Heartbeats a checkpoint and fails on attempt 1, returns the checkpoint it sees after. */
    String checkpoint(String scenario);
  }

  public static class FlakyImpl implements Flaky {
    @Override
    public String succeedOnAttempt(String scenario, int succeedOn) {
      long start = System.nanoTime();
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      ATTEMPTS.computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>()).add(attempt);
      if (attempt < succeedOn) {
        TIMES
            .computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>())
            .add(new long[] {start, System.nanoTime()});
        throw ApplicationFailure.newFailure("flaky failure on attempt " + attempt, "Flaky");
      }
      TIMES
          .computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>())
          .add(new long[] {start, System.nanoTime()});
      return "ok on attempt " + attempt;
    }

    @Override
    public String fail(String scenario) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      ATTEMPTS.computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>()).add(attempt);
      switch (scenario) {
        case "non-retryable":
          throw ApplicationFailure.newNonRetryableFailure("fatal: cannot continue", "FatalError");
        case "do-not-retry":
          throw ApplicationFailure.newFailure("bad input", "BadInput");
        case "java-do-not-retry":
          throw new IllegalArgumentException("illegal argument from activity");
        case "always":
          throw ApplicationFailure.newFailure("always fails, attempt " + attempt, "Always");
        default:
          throw new IllegalStateException("unknown scenario " + scenario);
      }
    }

    @Override
    public String checkpoint(String scenario) {
      ActivityExecutionContext ctx = Activity.getExecutionContext();
      int attempt = ctx.getInfo().getAttempt();
      ATTEMPTS.computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>()).add(attempt);
      Optional<String> previous = ctx.getHeartbeatDetails(String.class);
      SEEN_DETAILS
          .computeIfAbsent(scenario, k -> new CopyOnWriteArrayList<>())
          .add(previous.orElse("<none>"));
      if (attempt == 1) {
        ctx.heartbeat("checkpoint-7");
        throw ApplicationFailure.newFailure("crashed after checkpoint", "Crash");
      }
      return previous.orElse("<none>");
    }
  }

  @WorkflowInterface
  public interface RetryWorkflow {
    /** Runs one Flaky activity chosen by method name with the given retry options. */
    @WorkflowMethod
    String run(String method, String scenario, int maximumAttempts, List<String> doNotRetry);
  }

  public static class RetryWorkflowImpl implements RetryWorkflow {
    @Override
    public String run(
        String method, String scenario, int maximumAttempts, List<String> doNotRetry) {
      RetryOptions.Builder retry =
          RetryOptions.newBuilder()
              .setInitialInterval(RETRY_INTERVAL)
              .setBackoffCoefficient(1.0)
              .setMaximumAttempts(maximumAttempts);
      if (!doNotRetry.isEmpty()) {
        retry.setDoNotRetry(doNotRetry.toArray(new String[0]));
      }
      Flaky flaky =
          Workflow.newActivityStub(
              Flaky.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofSeconds(10))
                  .setRetryOptions(retry.build())
                  .build());
      switch (method) {
        case "succeedOnAttempt":
          return flaky.succeedOnAttempt(scenario, 3);
        case "fail":
          return flaky.fail(scenario);
        case "checkpoint":
          return flaky.checkpoint(scenario);
        default:
          throw ApplicationFailure.newNonRetryableFailure("unknown method " + method, "Test");
      }
    }
  }

  private RetryWorkflow start(String id) {
    sundial.worker().registerWorkflowImplementationTypes(RetryWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new FlakyImpl());
    sundial.startWorkers();
    return sundial.newWorkflowStub(RetryWorkflow.class, id);
  }

  @Test
  void retriesUntilSuccess() {
    String id = sundial.newWorkflowId("retry-success");
    String result = start(id).run("succeedOnAttempt", "s", 5, List.of());

    assertThat(result).isEqualTo("ok on attempt 3");
    assertThat(ATTEMPTS.get("s")).containsExactly(1, 2, 3);
    // The server waited the retry interval after each failure before dispatching the next attempt.
    List<long[]> times = TIMES.get("s");
    for (int i = 1; i < times.size(); i++) {
      long gapMillis = (times.get(i)[0] - times.get(i - 1)[1]) / 1_000_000;
      assertThat(gapMillis)
          .as("gap between the end of attempt %d and the start of attempt %d", i, i + 1)
          .isGreaterThanOrEqualTo(RETRY_INTERVAL.toMillis() - 50);
    }

    // Retries do not add events: one scheduled, one started (attempt 3), one completed.
    List<HistoryEvent> history = sundial.history(id, null);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).hasSize(1);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED)).hasSize(1);
    assertThat(eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_FAILED)).isEmpty();
    List<HistoryEvent> started = eventsOfType(history, EVENT_TYPE_ACTIVITY_TASK_STARTED);
    assertThat(started).hasSize(1);
    var startedAttrs = started.get(0).getActivityTaskStartedEventAttributes();
    assertThat(startedAttrs.getAttempt()).isEqualTo(3);
    assertThat(startedAttrs.getLastFailure().getMessage()).contains("attempt 2");
  }

  @Test
  void maximumAttemptsReached() {
    String id = sundial.newWorkflowId("retry-exhausted");
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> start(id).run("fail", "always", 2, List.of()));

    ActivityFailure af = (ActivityFailure) e.getCause();
    assertThat(af.getRetryState()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(af.getActivityType()).isEqualTo("Fail");
    ApplicationFailure cause = (ApplicationFailure) af.getCause();
    assertThat(cause.getType()).isEqualTo("Always");
    assertThat(cause.getOriginalMessage()).isEqualTo("always fails, attempt 2");
    assertThat(ATTEMPTS.get("always")).containsExactly(1, 2);

    List<HistoryEvent> failed =
        eventsOfType(sundial.history(id, null), EVENT_TYPE_ACTIVITY_TASK_FAILED);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).getActivityTaskFailedEventAttributes().getRetryState())
        .isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  }

  @Test
  void nonRetryableFailureIsNotRetried() {
    String id = sundial.newWorkflowId("non-retryable");
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start(id).run("fail", "non-retryable", 5, List.of()));

    assertThat(e.getCause()).isInstanceOf(ActivityFailure.class);
    ActivityFailure af = (ActivityFailure) e.getCause();
    assertThat(af.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    assertThat(af.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) af.getCause();
    assertThat(cause.getType()).isEqualTo("FatalError");
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage()).isEqualTo("fatal: cannot continue");
    assertThat(ATTEMPTS.get("non-retryable")).containsExactly(1);
  }

  @Test
  void doNotRetryTypesAreNotRetried() {
    String id = sundial.newWorkflowId("do-not-retry");
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start(id).run("fail", "do-not-retry", 5, List.of("BadInput")));

    ActivityFailure af = (ActivityFailure) e.getCause();
    assertThat(af.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    ApplicationFailure cause = (ApplicationFailure) af.getCause();
    assertThat(cause.getType()).isEqualTo("BadInput");
    assertThat(cause.getOriginalMessage()).isEqualTo("bad input");
    assertThat(ATTEMPTS.get("do-not-retry")).containsExactly(1);

    // A Java exception class named in setDoNotRetry is matched by its type name.
    String id2 = sundial.newWorkflowId("java-do-not-retry");
    RetryWorkflow wf2 = sundial.newWorkflowStub(RetryWorkflow.class, id2);
    WorkflowFailedException e2 =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                wf2.run(
                    "fail",
                    "java-do-not-retry",
                    5,
                    List.of(IllegalArgumentException.class.getName())));
    ActivityFailure af2 = (ActivityFailure) e2.getCause();
    assertThat(af2.getRetryState()).isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    ApplicationFailure cause2 = (ApplicationFailure) af2.getCause();
    assertThat(cause2.getType()).isEqualTo(IllegalArgumentException.class.getName());
    assertThat(cause2.getOriginalMessage()).isEqualTo("illegal argument from activity");
    assertThat(ATTEMPTS.get("java-do-not-retry")).containsExactly(1);
  }

  @Test
  void heartbeatDetailsSurviveRetry() {
    String id = sundial.newWorkflowId("heartbeat-details");
    String result = start(id).run("checkpoint", "hb", 3, List.of());

    assertThat(ATTEMPTS.get("hb")).containsExactly(1, 2);
    assertThat(SEEN_DETAILS.get("hb")).containsExactly("<none>", "checkpoint-7");
    assertThat(result).isEqualTo("checkpoint-7");
  }
}
