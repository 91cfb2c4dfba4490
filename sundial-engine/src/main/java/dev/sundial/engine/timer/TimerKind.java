package dev.sundial.engine.timer;

/** What a durable timer task means when it fires. Stored as an int; never renumber. */
public final class TimerKind {
  private TimerKind() {}

  /** A workflow's StartTimer command. ref.name = timer id, ref.eventId = TimerStarted id. */
  public static final int USER_TIMER = 1;
  /** ref.eventId = activity scheduled id, ref.attempt, ref.subtype = TimeoutType number. */
  public static final int ACTIVITY_TIMEOUT = 2;
  /** Retry backoff elapsed: dispatch attempt ref.attempt of activity ref.eventId. */
  public static final int ACTIVITY_RETRY = 3;
  /** ref.eventId = workflow task scheduled id, ref.attempt, ref.subtype = TimeoutType number. */
  public static final int WORKFLOW_TASK_TIMEOUT = 4;
  /** The run's run timeout or the chain's execution timeout, whichever is earlier. */
  public static final int WORKFLOW_TIMEOUT = 5;
  /** First workflow task backoff (start delay, retry or cron backoff) elapsed. */
  public static final int WORKFLOW_BACKOFF = 6;
  /** The closed run's namespace retention elapsed: delete the run everywhere (see retention). */
  public static final int RETENTION_DELETE = 7;

  // Transfer tasks: due at once, processed across shards; the last step deletes the row, so a
  // crash in between re-runs them (each step is idempotent).
  /** Start the child initiated at ref.eventId. */
  public static final int START_CHILD = 10;
  /** This run (a child) closed: tell its parent. */
  public static final int CHILD_CLOSED = 11;
  /** Deliver the signal initiated at ref.eventId to its target. */
  public static final int SIGNAL_EXTERNAL = 12;
  /** Deliver the cancel request initiated at ref.eventId to its target. */
  public static final int CANCEL_EXTERNAL = 13;
  /** Apply the parent close policy to the child initiated at ref.eventId. */
  public static final int PARENT_CLOSE_POLICY = 14;

  public static boolean isTransfer(int kind) {
    return kind >= START_CHILD;
  }
}
