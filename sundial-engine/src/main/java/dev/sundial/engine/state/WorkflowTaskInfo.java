package dev.sundial.engine.state;

/** The single outstanding workflow task of a run, if any. */
public final class WorkflowTaskInfo {
  /** 0 when no workflow task is scheduled. */
  public long scheduledEventId;
  /** 0 while scheduled but not started. */
  public long startedEventId;
  public int attempt = 1;
  /** The queue it was dispatched to (the sticky queue or the run's normal queue). */
  public String taskQueue = "";
  public boolean sticky;
  /**
   * A retry of a failing task: its Scheduled/Started events are not in history (the ids above are
   * the ones they will get) and are written only if it completes, so a workflow whose tasks keep
   * failing does not grow its history.
   */
  public boolean transientTask;
  /**
   * A task scheduled only to deliver workflow updates: transient from its first attempt, and
   * dropped without a trace when it completes having only rejected them. Meaningful while
   * {@link #transientTask} (once its events are written it is an ordinary task).
   */
  public boolean speculative;
  public long scheduledTime;
  public long startedTime;
  public String requestId = "";
  public String identity = "";
  public long queueTaskId;
  /** Told to the worker in WorkflowTaskStarted when history grows past the warning limits. */
  public boolean suggestContinueAsNew;
  /** Timer task guarding schedule-to-start (sticky) or start-to-close, 0 when none. */
  public long timeoutTaskId;

  public boolean isScheduled() {
    return scheduledEventId != 0;
  }

  public boolean isStarted() {
    return startedEventId != 0;
  }

  public boolean isSpeculative() {
    return speculative && transientTask;
  }

  public void clear() {
    scheduledEventId = 0;
    startedEventId = 0;
    taskQueue = "";
    sticky = false;
    transientTask = false;
    speculative = false;
    scheduledTime = 0;
    startedTime = 0;
    requestId = "";
    identity = "";
    queueTaskId = 0;
    suggestContinueAsNew = false;
    timeoutTaskId = 0;
  }
}
