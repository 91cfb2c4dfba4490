package dev.sundial.engine.history.activity;

import dev.sundial.engine.state.Durations;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;

/**
 * Temporal's retry rules, shared by activities and workflows: defaults for unset fields,
 * validation, and the decision whether (and after how long) to try again.
 */
public final class ActivityRetryPolicy {
  private ActivityRetryPolicy() {}

  /** The outcome of a retry decision: IN_PROGRESS with a backoff, or the final retry state. */
  public record Decision(RetryState state, long backoffMillis) {
    public boolean retry() {
      return state == RetryState.RETRY_STATE_IN_PROGRESS;
    }
  }

  /** Fills Temporal's defaults: 1 s initial, coefficient 2, max interval 100 x initial. */
  public static RetryPolicy withDefaults(RetryPolicy p) {
    RetryPolicy.Builder b = p.toBuilder();
    if (Durations.toMillis(b.getInitialInterval()) == 0) {
      b.setInitialInterval(Durations.ofMillis(1000));
    }
    if (b.getBackoffCoefficient() == 0) {
      b.setBackoffCoefficient(2.0);
    }
    if (Durations.toMillis(b.getMaximumInterval()) == 0) {
      b.setMaximumInterval(Durations.ofMillis(100 * Durations.toMillis(b.getInitialInterval())));
    }
    return b.build();
  }

  /** Null when valid, else a message naming the bad field. */
  public static String validate(RetryPolicy p, String owner) {
    if (Durations.isNegative(p.getInitialInterval())) {
      return "InitialInterval cannot be negative on " + owner + " retry policy.";
    }
    if (p.getBackoffCoefficient() != 0 && p.getBackoffCoefficient() < 1) {
      return "BackoffCoefficient cannot be less than 1 on " + owner + " retry policy.";
    }
    if (Durations.isNegative(p.getMaximumInterval())) {
      return "MaximumInterval cannot be negative on " + owner + " retry policy.";
    }
    long max = Durations.toMillis(p.getMaximumInterval());
    if (max > 0 && max < Durations.toMillis(p.getInitialInterval())) {
      return "MaximumInterval cannot be less than InitialInterval on " + owner + " retry policy.";
    }
    if (p.getMaximumAttempts() < 0) {
      return "MaximumAttempts cannot be negative on " + owner + " retry policy.";
    }
    return null;
  }

  /**
   * Decides whether attempt {@code attempt} that ended with {@code failure} is retried.
   * {@code expirationTime} 0 means no deadline.
   */
  public static Decision decide(
      RetryPolicy policy, int attempt, Failure failure, long now, long expirationTime) {
    if (failure != null && failure.hasTimeoutFailureInfo()) {
      var t = failure.getTimeoutFailureInfo().getTimeoutType();
      if (t == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
          || t == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE) {
        // Server-enforced deadlines, not failures of an attempt: reported as TIMEOUT.
        return new Decision(RetryState.RETRY_STATE_TIMEOUT, 0);
      }
    }
    if (failure != null && isNonRetryable(policy, failure)) {
      return new Decision(RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE, 0);
    }
    if (policy.getMaximumAttempts() > 0 && attempt >= policy.getMaximumAttempts()) {
      return new Decision(RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED, 0);
    }
    long backoff = backoff(policy, attempt, failure);
    if (expirationTime > 0 && now + backoff > expirationTime) {
      return new Decision(RetryState.RETRY_STATE_TIMEOUT, 0);
    }
    return new Decision(RetryState.RETRY_STATE_IN_PROGRESS, backoff);
  }

  static long backoff(RetryPolicy policy, int attempt, Failure failure) {
    if (failure != null
        && failure.hasApplicationFailureInfo()
        && failure.getApplicationFailureInfo().hasNextRetryDelay()) {
      long d = Durations.toMillis(failure.getApplicationFailureInfo().getNextRetryDelay());
      if (d > 0) {
        return d;
      }
    }
    double initial = Durations.toMillis(policy.getInitialInterval());
    double b = initial * Math.pow(policy.getBackoffCoefficient(), Math.max(0, attempt - 1));
    long max = Durations.toMillis(policy.getMaximumInterval());
    if (max > 0 && b > max) {
      b = max;
    }
    return (long) Math.min(b, Long.MAX_VALUE / 4);
  }

  private static boolean isNonRetryable(RetryPolicy policy, Failure failure) {
    if (failure.hasApplicationFailureInfo()) {
      if (failure.getApplicationFailureInfo().getNonRetryable()) {
        return true;
      }
      String type = failure.getApplicationFailureInfo().getType();
      return policy.getNonRetryableErrorTypesList().contains(type);
    }
    if (failure.hasTimeoutFailureInfo()) {
      String type = "TemporalTimeout:" + timeoutName(failure);
      return policy.getNonRetryableErrorTypesList().contains(type);
    }
    if (failure.hasServerFailureInfo()) {
      return failure.getServerFailureInfo().getNonRetryable();
    }
    if (failure.hasTerminatedFailureInfo() || failure.hasCanceledFailureInfo()) {
      return true;
    }
    return false;
  }

  private static String timeoutName(Failure f) {
    return switch (f.getTimeoutFailureInfo().getTimeoutType()) {
      case TIMEOUT_TYPE_START_TO_CLOSE -> "StartToClose";
      case TIMEOUT_TYPE_SCHEDULE_TO_START -> "ScheduleToStart";
      case TIMEOUT_TYPE_SCHEDULE_TO_CLOSE -> "ScheduleToClose";
      case TIMEOUT_TYPE_HEARTBEAT -> "Heartbeat";
      default -> "Unspecified";
    };
  }
}
