package dev.sundial.engine.timer;

/** What a durable timer task means when it fires. Stored as its {@link #code}; never renumber. */
public enum TimerKind {
  /** A workflow's StartTimer command. ref.name = timer id, ref.eventId = TimerStarted id. */
  USER_TIMER(1),
  /** ref.eventId = activity scheduled id, ref.attempt, ref.subtype = TimeoutType number. */
  ACTIVITY_TIMEOUT(2),
  /** Retry backoff elapsed: dispatch attempt ref.attempt of activity ref.eventId. */
  ACTIVITY_RETRY(3),
  /** ref.eventId = workflow task scheduled id, ref.attempt, ref.subtype = TimeoutType number. */
  WORKFLOW_TASK_TIMEOUT(4),
  /** The run's run timeout or the chain's execution timeout, whichever is earlier. */
  WORKFLOW_TIMEOUT(5),
  /** First workflow task backoff (start delay, retry or cron backoff) elapsed. */
  WORKFLOW_BACKOFF(6),
  /** The closed run's namespace retention elapsed: delete the run everywhere (see retention). */
  RETENTION_DELETE(7),

  // Transfer tasks: due at once, processed across shards; the last step deletes the row, so a
  // crash in between re-runs them (each step is idempotent).
  /** Start the child initiated at ref.eventId. */
  START_CHILD(10),
  /** This run (a child) closed: tell its parent. */
  CHILD_CLOSED(11),
  /** Deliver the signal initiated at ref.eventId to its target. */
  SIGNAL_EXTERNAL(12),
  /** Deliver the cancel request initiated at ref.eventId to its target. */
  CANCEL_EXTERNAL(13),
  /** Apply the parent close policy to the child initiated at ref.eventId. */
  PARENT_CLOSE_POLICY(14);

  /** The stored number. */
  public final int code;

  TimerKind(int code) {
    this.code = code;
  }

  /** The kind a stored number stands for. */
  public static TimerKind of(int code) {
    for (TimerKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown timer kind " + code);
  }

  public boolean isTransfer() {
    return code >= START_CHILD.code;
  }
}
