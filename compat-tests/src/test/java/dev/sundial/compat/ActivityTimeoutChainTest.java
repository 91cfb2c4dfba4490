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
import io.temporal.api.failure.v1.Failure;
import io.temporal.client.WorkflowFailedException;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failure an activity that timed out for good is closed with, as Temporal's server builds
 * it: the cause is the previous attempt's failure (never this attempt's own timeout); running out
 * of time for another attempt is reported as a ScheduleToClose timeout; heartbeat details are on
 * the outer failure only.
 */
class ActivityTimeoutChainTest {
  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

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
  public interface Attempts {
    /** Attempt 1 fails ("fail") or heartbeats "beat-1" and blocks ("beat"); later ones heartbeat "beat-N" and block. */
    String attempt(String firstAttempt);
  }

  public static class AttemptsImpl implements Attempts {
    @Override
    public String attempt(String firstAttempt) {
      var ctx = Activity.getExecutionContext();
      int attempt = ctx.getInfo().getAttempt();
      if (attempt == 1 && firstAttempt.equals("fail")) {
        throw ApplicationFailure.newFailure("first attempt failed", "FirstFailure");
      }
      if (!firstAttempt.equals("block")) {
        ctx.heartbeat("beat-" + attempt);
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
  public interface Chain {
    @WorkflowMethod
    String run(String firstAttempt, long scheduleToCloseMillis, long heartbeatMillis);
  }

  public static class ChainImpl implements Chain {
    @Override
    public String run(String firstAttempt, long scheduleToCloseMillis, long heartbeatMillis) {
      ActivityOptions.Builder options =
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofMillis(100))
                      .setBackoffCoefficient(1)
                      .setMaximumAttempts(2)
                      .build());
      if (scheduleToCloseMillis > 0) {
        options
            .setScheduleToCloseTimeout(Duration.ofMillis(scheduleToCloseMillis))
            .setRetryOptions(
                RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1)).build());
      }
      if (heartbeatMillis > 0) {
        options.setStartToCloseTimeout(Duration.ofSeconds(20)).setHeartbeatTimeout(Duration.ofMillis(heartbeatMillis));
      }
      return Workflow.newActivityStub(Attempts.class, options.build()).attempt(firstAttempt);
    }
  }

  /** The ActivityTaskTimedOut event's failure and retry state. */
  private record TimedOut(Failure failure, RetryState state) {}

  private TimedOut run(String firstAttempt, long scheduleToCloseMillis, long heartbeatMillis) {
    sundial.worker().registerWorkflowImplementationTypes(ChainImpl.class);
    sundial.worker().registerActivitiesImplementations(new AttemptsImpl());
    sundial.startWorkers();
    String id = sundial.newWorkflowId("chain");
    Chain wf = sundial.newWorkflowStub(Chain.class, id);
    assertThrows(
        WorkflowFailedException.class, () -> wf.run(firstAttempt, scheduleToCloseMillis, heartbeatMillis));
    var attrs =
        eventsOfType(sundial.history(id, null), EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
            .get(0)
            .getActivityTaskTimedOutEventAttributes();
    return new TimedOut(attrs.getFailure(), attrs.getRetryState());
  }

  private static String text(io.temporal.api.common.v1.Payloads p) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(p.getPayloads(0), String.class, String.class);
  }

  @Test
  void aStartToCloseTimeoutCarriesThePreviousAttemptsFailure() {
    TimedOut t = run("fail", 0, 0);
    assertThat(t.state()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    assertThat(t.failure().getMessage()).isEqualTo("activity StartToClose timeout");
    assertThat(t.failure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(t.failure().getCause().getMessage()).isEqualTo("first attempt failed");
    assertThat(t.failure().getCause().getApplicationFailureInfo().getType()).isEqualTo("FirstFailure");
  }

  @Test
  void aFirstAttemptTimeoutHasNoCause() {
    TimedOut t = run("block", 0, 0);
    assertThat(t.failure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    // Attempt 2 timed out; its cause is attempt 1's timeout, which itself has none.
    Failure cause = t.failure().getCause();
    assertThat(cause.getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    assertThat(cause.hasCause()).isFalse();
  }

  @Test
  void noTimeForAnotherAttemptIsAScheduleToCloseTimeoutWithoutTheStartToCloseOne() {
    // The attempt times out StartToClose after 1 s; the retry would start after the 1.5 s deadline.
    TimedOut t = run("block", 1500, 0);
    assertThat(t.state()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(t.failure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(t.failure().getMessage())
        .isEqualTo(
            "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying");
    assertThat(t.failure().hasCause()).isFalse();
  }

  @Test
  void theScheduleToCloseDeadlineDuringARetryCarriesTheFailedAttemptAsCause() {
    // Attempt 1 fails at once; attempt 2 starts after 1 s and is still running at the 1.5 s
    // deadline.
    TimedOut t = run("fail", 1500, 0);
    assertThat(t.state()).isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    assertThat(t.failure().getTimeoutFailureInfo().getTimeoutType())
        .isEqualTo(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    assertThat(t.failure().getMessage()).startsWith("Not enough time to schedule next retry");
    assertThat(t.failure().getCause().getMessage()).isEqualTo("first attempt failed");
  }

  @Test
  void aNestedHeartbeatTimeoutCarriesNoHeartbeatDetailsOfItsOwn() {
    TimedOut t = run("beat", 0, 1000);
    assertThat(t.state()).isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    var outer = t.failure().getTimeoutFailureInfo();
    assertThat(outer.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(text(outer.getLastHeartbeatDetails())).isEqualTo("beat-2");
    var inner = t.failure().getCause().getTimeoutFailureInfo();
    assertThat(inner.getTimeoutType()).isEqualTo(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
    assertThat(inner.hasLastHeartbeatDetails()).isFalse();
  }
}
