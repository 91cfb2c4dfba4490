package dev.sundial.engine.state;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;

/** A pending activity of a run: its scheduled event plus the state of its current attempt. */
public final class ActivityInfo {
  public long scheduledEventId;
  /** The ActivityTaskScheduled attributes after timeout/retry normalization. */
  public ActivityTaskScheduledEventAttributes scheduled;
  /** The codec's copy of {@link #scheduled} as stored. */
  final EncodedMessage scheduledEncoded = new EncodedMessage();

  public long firstScheduledTime;
  public int attempt = 1;
  public long attemptScheduledTime;
  /** 0 while the current attempt is not started. */
  public long startedTime;
  public String startedIdentity = "";
  public String startedRequestId = "";
  /** Backlog row of the current attempt while it waits for a poller, else 0. */
  public long queueTaskId;
  public long lastHeartbeatTime;
  public Payloads heartbeatDetails;
  public Failure lastFailure;
  public String lastWorkerIdentity = "";
  public boolean cancelRequested;
  /** The ActivityTaskCancelRequested event, once the workflow asked to cancel. */
  public long cancelRequestedEventId;
  /** Absolute schedule-to-close deadline in millis, 0 when unbounded. */
  public long expirationTime;
  /** Delay before the current attempt is dispatched (retry backoff), 0 when dispatched. */
  public long retryAt;

  public boolean isStarted() {
    return startedTime != 0;
  }
}
