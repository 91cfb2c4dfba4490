package dev.sundial.engine.history.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.sundial.engine.state.Durations;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.CanceledFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.ServerFailureInfo;
import io.temporal.api.failure.v1.TerminatedFailureInfo;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ActivityRetryPolicyTest {
  private static final long NOW = 1_700_000_000_000L;

  private static RetryPolicy.Builder policy() {
    return RetryPolicy.newBuilder()
        .setInitialInterval(Durations.ofMillis(1000))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Durations.ofMillis(100_000));
  }

  private static Failure appFailure(String type) {
    return Failure.newBuilder()
        .setMessage("boom")
        .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType(type))
        .build();
  }

  private static Failure timeoutFailure(TimeoutType type) {
    return Failure.newBuilder()
        .setMessage("timeout")
        .setTimeoutFailureInfo(TimeoutFailureInfo.newBuilder().setTimeoutType(type))
        .build();
  }

  @Nested
  class Defaults {
    @Test
    void emptyPolicyGetsTemporalDefaults() {
      RetryPolicy p = ActivityRetryPolicy.withDefaults(RetryPolicy.getDefaultInstance());
      assertThat(Durations.toMillis(p.getInitialInterval())).isEqualTo(1000);
      assertThat(p.getBackoffCoefficient()).isEqualTo(2.0);
      assertThat(Durations.toMillis(p.getMaximumInterval())).isEqualTo(100_000);
      assertThat(p.getMaximumAttempts()).isZero(); // unlimited
      assertThat(p.getNonRetryableErrorTypesList()).isEmpty();
    }

    @Test
    void maximumIntervalDefaultsToHundredTimesTheGivenInitialInterval() {
      RetryPolicy p =
          ActivityRetryPolicy.withDefaults(
              RetryPolicy.newBuilder().setInitialInterval(Durations.ofMillis(250)).build());
      assertThat(Durations.toMillis(p.getInitialInterval())).isEqualTo(250);
      assertThat(Durations.toMillis(p.getMaximumInterval())).isEqualTo(25_000);
    }

    @Test
    void setFieldsAreKept() {
      RetryPolicy in =
          RetryPolicy.newBuilder()
              .setInitialInterval(Durations.ofMillis(3000))
              .setBackoffCoefficient(1.5)
              .setMaximumInterval(Durations.ofMillis(7000))
              .setMaximumAttempts(4)
              .addNonRetryableErrorTypes("Fatal")
              .build();
      assertThat(ActivityRetryPolicy.withDefaults(in)).isEqualTo(in);
    }
  }

  @Nested
  class Validation {
    @Test
    void validPoliciesPass() {
      assertThat(ActivityRetryPolicy.validate(RetryPolicy.getDefaultInstance(), "X")).isNull();
      assertThat(ActivityRetryPolicy.validate(policy().setMaximumAttempts(3).build(), "X")).isNull();
      // maximum interval equal to the initial one is fine
      assertThat(
              ActivityRetryPolicy.validate(
                  policy().setMaximumInterval(Durations.ofMillis(1000)).build(), "X"))
          .isNull();
    }

    @Test
    void negativeInitialInterval() {
      assertThat(
              ActivityRetryPolicy.validate(
                  RetryPolicy.newBuilder()
                      .setInitialInterval(Duration.newBuilder().setSeconds(-1))
                      .build(),
                  "ScheduleActivityTaskCommand"))
          .isEqualTo("InitialInterval cannot be negative on ScheduleActivityTaskCommand retry policy.");
    }

    @Test
    void backoffCoefficientBelowOne() {
      assertThat(ActivityRetryPolicy.validate(policy().setBackoffCoefficient(0.5).build(), "X"))
          .isEqualTo("BackoffCoefficient cannot be less than 1 on X retry policy.");
    }

    @Test
    void negativeMaximumInterval() {
      assertThat(
              ActivityRetryPolicy.validate(
                  RetryPolicy.newBuilder()
                      .setMaximumInterval(Duration.newBuilder().setNanos(-1_000_000))
                      .build(),
                  "X"))
          .isEqualTo("MaximumInterval cannot be negative on X retry policy.");
    }

    @Test
    void maximumIntervalBelowInitialInterval() {
      assertThat(
              ActivityRetryPolicy.validate(
                  policy().setMaximumInterval(Durations.ofMillis(999)).build(), "X"))
          .isEqualTo("MaximumInterval cannot be less than InitialInterval on X retry policy.");
    }

    @Test
    void negativeMaximumAttempts() {
      assertThat(ActivityRetryPolicy.validate(policy().setMaximumAttempts(-1).build(), "X"))
          .isEqualTo("MaximumAttempts cannot be negative on X retry policy.");
    }
  }

  @Nested
  class Backoff {
    @Test
    void growsByTheCoefficientPerAttempt() {
      RetryPolicy p = policy().build();
      Failure f = appFailure("E");
      assertThat(ActivityRetryPolicy.decide(p, 1, f, NOW, 0))
          .isEqualTo(new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_IN_PROGRESS, 1000));
      assertThat(ActivityRetryPolicy.decide(p, 2, f, NOW, 0).backoffMillis()).isEqualTo(2000);
      assertThat(ActivityRetryPolicy.decide(p, 3, f, NOW, 0).backoffMillis()).isEqualTo(4000);
      assertThat(ActivityRetryPolicy.decide(p, 4, f, NOW, 0).backoffMillis()).isEqualTo(8000);
    }

    @Test
    void nonIntegerCoefficient() {
      RetryPolicy p = policy().setBackoffCoefficient(1.5).build();
      assertThat(ActivityRetryPolicy.backoff(p, 1, null)).isEqualTo(1000);
      assertThat(ActivityRetryPolicy.backoff(p, 2, null)).isEqualTo(1500);
      assertThat(ActivityRetryPolicy.backoff(p, 3, null)).isEqualTo(2250);
    }

    @Test
    void cappedAtMaximumInterval() {
      RetryPolicy p = policy().setMaximumInterval(Durations.ofMillis(5000)).build();
      assertThat(ActivityRetryPolicy.backoff(p, 3, null)).isEqualTo(4000);
      assertThat(ActivityRetryPolicy.backoff(p, 4, null)).isEqualTo(5000);
      assertThat(ActivityRetryPolicy.backoff(p, 40, null)).isEqualTo(5000);
    }

    @Test
    void hugeAttemptNumbersDoNotOverflow() {
      RetryPolicy p = policy().build();
      assertThat(ActivityRetryPolicy.backoff(p, 10_000, null)).isEqualTo(100_000);
      RetryPolicy uncapped = policy().clearMaximumInterval().build();
      assertThat(ActivityRetryPolicy.backoff(uncapped, 10_000, null)).isPositive();
    }

    @Test
    void nextRetryDelayOverridesThePolicyAndIsNotCappedByMaximumInterval() {
      // Temporal (since temporalio/temporal#6063): next_retry_delay replaces the computed
      // interval and is not bounded by maximum_interval.
      RetryPolicy p = policy().setMaximumInterval(Durations.ofMillis(5000)).build();
      Failure f =
          Failure.newBuilder()
              .setMessage("later")
              .setApplicationFailureInfo(
                  ApplicationFailureInfo.newBuilder()
                      .setType("E")
                      .setNextRetryDelay(Durations.ofMillis(42_000)))
              .build();
      assertThat(ActivityRetryPolicy.decide(p, 1, f, NOW, 0))
          .isEqualTo(new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_IN_PROGRESS, 42_000));
      assertThat(ActivityRetryPolicy.decide(p, 7, f, NOW, 0).backoffMillis()).isEqualTo(42_000);
    }

    @Test
    void zeroNextRetryDelayFallsBackToThePolicy() {
      Failure f =
          Failure.newBuilder()
              .setApplicationFailureInfo(
                  ApplicationFailureInfo.newBuilder().setNextRetryDelay(Durations.ofMillis(0)))
              .build();
      assertThat(ActivityRetryPolicy.decide(policy().build(), 2, f, NOW, 0).backoffMillis())
          .isEqualTo(2000);
    }
  }

  @Nested
  class Decisions {
    @Test
    void maximumAttemptsCountsTheFirstAttempt() {
      RetryPolicy p = policy().setMaximumAttempts(3).build();
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("E"), NOW, 0).retry()).isTrue();
      assertThat(ActivityRetryPolicy.decide(p, 2, appFailure("E"), NOW, 0).retry()).isTrue();
      assertThat(ActivityRetryPolicy.decide(p, 3, appFailure("E"), NOW, 0))
          .isEqualTo(
              new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, 0));
    }

    @Test
    void maximumAttemptsOneNeverRetries() {
      RetryPolicy p = policy().setMaximumAttempts(1).build();
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("E"), NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    }

    @Test
    void unlimitedAttemptsKeepRetrying() {
      assertThat(ActivityRetryPolicy.decide(policy().build(), 500, appFailure("E"), NOW, 0).retry())
          .isTrue();
    }

    @Test
    void nonRetryableFlag() {
      Failure f =
          Failure.newBuilder()
              .setApplicationFailureInfo(
                  ApplicationFailureInfo.newBuilder().setType("E").setNonRetryable(true))
              .build();
      assertThat(ActivityRetryPolicy.decide(policy().setMaximumAttempts(5).build(), 1, f, NOW, 0))
          .isEqualTo(
              new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, 0));
    }

    @Test
    void nonRetryableErrorTypes() {
      RetryPolicy p = policy().addNonRetryableErrorTypes("Fatal").build();
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("Fatal"), NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("Transient"), NOW, 0).retry())
          .isTrue();
    }

    @Test
    void nonRetryableTakesPrecedenceOverMaximumAttempts() {
      RetryPolicy p = policy().setMaximumAttempts(1).addNonRetryableErrorTypes("Fatal").build();
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("Fatal"), NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    }

    @Test
    void retryableTimeoutsUnlessListedAsNonRetryable() {
      RetryPolicy p = policy().build();
      assertThat(
              ActivityRetryPolicy.decide(
                      p, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE), NOW, 0)
                  .retry())
          .isTrue();
      assertThat(
              ActivityRetryPolicy.decide(
                      p, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_HEARTBEAT), NOW, 0)
                  .retry())
          .isTrue();
      RetryPolicy strict = policy().addNonRetryableErrorTypes("TemporalTimeout:StartToClose").build();
      assertThat(
              ActivityRetryPolicy.decide(
                      strict, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE), NOW, 0)
                  .state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      assertThat(
              ActivityRetryPolicy.decide(
                      strict, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_HEARTBEAT), NOW, 0)
                  .retry())
          .isTrue();
    }

    @Test
    void scheduleToStartAndScheduleToCloseTimeoutsAreDeadlinesNotRetried() {
      // Current Temporal servers report these server deadlines as RETRY_STATE_TIMEOUT.
      RetryPolicy p = policy().build();
      assertThat(
              ActivityRetryPolicy.decide(
                      p, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START), NOW, 0)
                  .state())
          .isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
      assertThat(
              ActivityRetryPolicy.decide(
                      p, 1, timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE), NOW, 0)
                  .state())
          .isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    }

    @Test
    void serverTerminatedAndCanceledFailures() {
      RetryPolicy p = policy().build();
      Failure serverRetryable =
          Failure.newBuilder().setServerFailureInfo(ServerFailureInfo.getDefaultInstance()).build();
      Failure serverFatal =
          Failure.newBuilder()
              .setServerFailureInfo(ServerFailureInfo.newBuilder().setNonRetryable(true))
              .build();
      Failure terminated =
          Failure.newBuilder()
              .setTerminatedFailureInfo(TerminatedFailureInfo.getDefaultInstance())
              .build();
      Failure canceled =
          Failure.newBuilder().setCanceledFailureInfo(CanceledFailureInfo.getDefaultInstance()).build();
      assertThat(ActivityRetryPolicy.decide(p, 1, serverRetryable, NOW, 0).retry()).isTrue();
      assertThat(ActivityRetryPolicy.decide(p, 1, serverFatal, NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      assertThat(ActivityRetryPolicy.decide(p, 1, terminated, NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      assertThat(ActivityRetryPolicy.decide(p, 1, canceled, NOW, 0).state())
          .isEqualTo(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    }

    @Test
    void noFailureIsRetryable() {
      assertThat(ActivityRetryPolicy.decide(policy().build(), 1, null, NOW, 0).retry()).isTrue();
    }

    @Test
    void expirationBeforeTheNextAttemptGivesTimeout() {
      RetryPolicy p = policy().build(); // next backoff after attempt 3 is 4 s
      assertThat(ActivityRetryPolicy.decide(p, 3, appFailure("E"), NOW, NOW + 3999))
          .isEqualTo(new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_TIMEOUT, 0));
      assertThat(ActivityRetryPolicy.decide(p, 3, appFailure("E"), NOW, NOW + 4001))
          .isEqualTo(new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_IN_PROGRESS, 4000));
    }

    @Test
    void expirationExactlyAtTheNextAttemptStillRetries() {
      RetryPolicy p = policy().build();
      assertThat(ActivityRetryPolicy.decide(p, 1, appFailure("E"), NOW, NOW + 1000))
          .isEqualTo(new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_IN_PROGRESS, 1000));
    }

    @Test
    void nextRetryDelayBeyondExpirationGivesTimeout() {
      Failure f =
          Failure.newBuilder()
              .setApplicationFailureInfo(
                  ApplicationFailureInfo.newBuilder().setNextRetryDelay(Durations.ofMillis(60_000)))
              .build();
      assertThat(ActivityRetryPolicy.decide(policy().build(), 1, f, NOW, NOW + 30_000).state())
          .isEqualTo(RetryState.RETRY_STATE_TIMEOUT);
    }
  }
}
