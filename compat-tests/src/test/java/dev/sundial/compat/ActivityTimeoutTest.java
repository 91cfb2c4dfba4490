package dev.sundial.compat;

import static dev.sundial.compat.CompatServer.eventsOfType;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each activity timeout type fails the activity with a TimeoutFailure of that type. */
class ActivityTimeoutTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  /** Blocked activities wait on this; released after each test so worker threads end. */
  static volatile CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void newLatch() {
    release = new CountDownLatch(1);
  }

  @AfterEach
  void releaseBlocked() {
    release.countDown();
  }

  @ActivityInterface
  public interface Blocking {
    /** Blocks until released (far longer than any timeout here); heartbeats once if asked. */
    String block(boolean heartbeatFirst);
  }

  public static class BlockingImpl implements Blocking {
    @Override
    public String block(boolean heartbeatFirst) {
      if (heartbeatFirst) {
        Activity.getExecutionContext().heartbeat("beat-1");
      }
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "released";
    }
  }

  @WorkflowInterface
  public interface TimeoutWorkflow {
    @WorkflowMethod
    String run(String kind, String otherQueue);
  }

  public static class TimeoutWorkflowImpl implements TimeoutWorkflow {
    @Override
    public String run(String kind, String otherQueue) {
      ActivityOptions.Builder options =
          ActivityOptions.newBuilder()
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build());
      boolean heartbeat = false;
      switch (kind) {
        case "START_TO_CLOSE":
          options.setStartToCloseTimeout(Duration.ofSeconds(1));
          break;
        case "SCHEDULE_TO_CLOSE":
          options.setScheduleToCloseTimeout(Duration.ofSeconds(1));
          break;
        case "SCHEDULE_TO_START":
          options
              .setTaskQueue(otherQueue)
              .setScheduleToStartTimeout(Duration.ofSeconds(1))
              .setStartToCloseTimeout(Duration.ofSeconds(10));
          break;
        case "HEARTBEAT":
          options
              .setStartToCloseTimeout(Duration.ofSeconds(20))
              .setHeartbeatTimeout(Duration.ofSeconds(1));
          heartbeat = true;
          break;
        default:
          throw new IllegalArgumentException(kind);
      }
      return Workflow.newActivityStub(Blocking.class, options.build()).block(heartbeat);
    }
  }

  /** Runs the workflow and returns the TimeoutFailure under the ActivityFailure it failed with. */
  private TimeoutFailure runExpectingTimeout(
      String kind, long minimumMillis, RetryState retryState) {
    sundial.worker().registerWorkflowImplementationTypes(TimeoutWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new BlockingImpl());
    sundial.startWorkers();

    String id = sundial.newWorkflowId("timeout-" + kind.toLowerCase());
    TimeoutWorkflow wf = sundial.newWorkflowStub(TimeoutWorkflow.class, id);
    String noWorkerQueue = sundial.taskQueue() + "-nobody-polls";
    long start = System.nanoTime();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> wf.run(kind, noWorkerQueue));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(e.getCause()).isInstanceOf(ActivityFailure.class);
    ActivityFailure af = (ActivityFailure) e.getCause();
    assertThat(af.getActivityType()).isEqualTo("Block");
    // START_TO_CLOSE and HEARTBEAT timeouts are retryable (here: no attempts left); the
    // SCHEDULE_TO_* timeouts are server deadlines and report RETRY_STATE_TIMEOUT (as current
    // Temporal servers do; older ones said NON_RETRYABLE_FAILURE).
    assertThat(af.getRetryState()).as("retry state").isEqualTo(retryState);
    assertThat(af.getCause()).isInstanceOf(TimeoutFailure.class);
    TimeoutFailure tf = (TimeoutFailure) af.getCause();
    assertThat(tf.getTimeoutType()).isEqualTo(TimeoutType.valueOf("TIMEOUT_TYPE_" + kind));
    assertThat(elapsedMillis)
        .as("time until the timeout surfaced")
        .isGreaterThanOrEqualTo(minimumMillis);

    List<HistoryEvent> timedOut =
        eventsOfType(sundial.history(id, null), EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    assertThat(timedOut).hasSize(1);
    assertThat(
            timedOut
                .get(0)
                .getActivityTaskTimedOutEventAttributes()
                .getFailure()
                .getTimeoutFailureInfo()
                .getTimeoutType())
        .isEqualTo(TimeoutType.valueOf("TIMEOUT_TYPE_" + kind));
    return tf;
  }

  @Test
  void startToCloseTimeout() {
    runExpectingTimeout("START_TO_CLOSE", 1000, RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  }

  @Test
  void scheduleToCloseTimeout() {
    runExpectingTimeout("SCHEDULE_TO_CLOSE", 1000, RetryState.RETRY_STATE_TIMEOUT);
  }

  @Test
  void scheduleToStartTimeout() {
    runExpectingTimeout("SCHEDULE_TO_START", 1000, RetryState.RETRY_STATE_TIMEOUT);
  }

  @Test
  void heartbeatTimeout() {
    TimeoutFailure tf =
        runExpectingTimeout("HEARTBEAT", 1000, RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    // The last recorded heartbeat details travel with the timeout.
    assertThat(tf.getLastHeartbeatDetails().get(String.class)).isEqualTo("beat-1");
  }
}
