package dev.sundial.engine.state;

import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Priority;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.sdk.v1.UserMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The state of one workflow run derived from its history (plus the few attempt-level facts that
 * Temporal deliberately keeps out of history: activity attempts, heartbeats, transient workflow
 * task details). What history determines changes only through the apply functions of the feature
 * packages (ActivityEvents, TimerEvents, WorkflowEvents, ...): the live path appends an event and
 * applies it, and {@link dev.sundial.engine.history.replay.HistoryReplay} rebuilds a run with the
 * same functions. Attempt-level facts and outbox ids are set by the feature classes directly.
 * Events produced by the current operation accumulate in {@link #newEvents} until the WriteSet is
 * built.
 */
public final class MutableState {
  // identity
  public String namespaceId;
  public String workflowId;
  public String runId;
  public String firstExecutionRunId;
  public String startRequestId = "";

  /** The started event's attributes: type, queue, input, timeouts, retry policy, memo, ... */
  public WorkflowExecutionStartedEventAttributes started;
  /** The codec's copy of {@link #started} as stored. */
  final EncodedMessage startedEncoded = new EncodedMessage();

  /** The summary and details the starter attached (the started event's user metadata), or null. */
  public UserMetadata userMetadata;

  public WorkflowExecutionStatus status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  public long startTime;
  /** When the first workflow task becomes due (start time + first task backoff). */
  public long executionTime;
  public long closeTime;
  /** 0 when unbounded. */
  public long runExpirationTime;
  public long executionExpirationTime;

  public long nextEventId = 1;
  /** Serialized size of all events written so far (history size limit, continue-as-new hint). */
  public long historySizeBytes;
  /** Started event id of the last completed workflow task (previous_started_event_id). */
  public long lastCompletedStartedEventId;
  public long completionEventId;
  /** The run that continues this one (retry or continue-as-new), else "". */
  public String newRunId = "";

  public String stickyQueue = "";
  public long stickyScheduleToStartMillis;

  public final WorkflowTaskInfo workflowTask = new WorkflowTaskInfo();
  public final Map<Long, ActivityInfo> activities = new LinkedHashMap<>();
  public final Map<String, TimerInfo> timers = new LinkedHashMap<>();
  public final Map<Long, ChildInfo> children = new LinkedHashMap<>();
  public final Map<Long, ExternalRequest> externalRequests = new LinkedHashMap<>();
  /** Set once WorkflowExecutionCancelRequested is written; its request id dedups retries. */
  public boolean cancelRequested;
  public String cancelRequestId = "";

  /** Request ids of signals already applied, so a retried SignalWorkflowExecution is a no-op. */
  public final Set<String> signalRequestIds = new LinkedHashSet<>();
  /** Events that arrived while a workflow task was started; ids are assigned at flush. */
  public final List<HistoryEvent> bufferedEvents = new ArrayList<>();
  /** Workflow updates accepted or completed by this run, by update id (see history.update). */
  public final Map<String, UpdateRecord> updates =
      new LinkedHashMap<>();
  /**
   * Current search attributes and memo after upserts (see engine.visibility.SearchAttributeState);
   * null until the first change, meaning "as in the started event".
   */
  public SearchAttributes searchAttributes;
  public Memo memo;

  /** Auto-reset points and reset links (see history.reset). */
  public final ResetInfo reset =
      new ResetInfo();

  /** Optimistic-concurrency version of the stored row this state was read from. */
  public long dbVersion;

  /** Size of the state's stored form when last written or loaded; its weight in the shard cache. Not persisted. */
  public int encodedBytes;
  /** The weight the shard cache counted this state at. Not persisted. */
  public int cacheWeight;

  /** Set when the operation in progress changed this state; only dirty states are written. */
  public boolean dirty;

  /**
   * What the stored visibility row was last written from (see {@link #visibilityStamp()}); 0 when
   * unknown (e.g. just loaded), so the next write refreshes the row. Not persisted.
   */
  public int writtenVisibilityStamp;

  /**
   * Everything a visibility row depends on that changes while a run is open: its status and
   * close time, search attributes and memo. Like Temporal's SQL visibility, the row is written
   * when the run starts, when one of these changes, and when it closes (history length and state
   * transitions are recorded then), not on every state transition.
   */
  public int visibilityStamp() {
    int h = Objects.hash(status.getNumber(), closeTime, executionTime, searchAttributes, memo);
    return h == 0 ? 1 : h;
  }

  /** Events written by the operation in progress (not persisted as part of the state). */
  public final List<HistoryEvent> newEvents = new ArrayList<>();

  public boolean isRunning() {
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  public String taskQueue() {
    return started.getTaskQueue().getName();
  }

  /** The workflow's priority (set at start; empty if none): its tasks inherit what they leave unset. */
  public Priority priority() {
    return started.getPriority();
  }

  public String workflowType() {
    return started.getWorkflowType().getName();
  }

  public long workflowTaskTimeoutMillis() {
    long ms = Durations.toMillis(started.getWorkflowTaskTimeout());
    return ms <= 0 ? 10_000 : ms;
  }

  public ActivityInfo activityById(String activityId) {
    for (ActivityInfo a : activities.values()) {
      if (a.scheduled.getActivityId().equals(activityId)) {
        return a;
      }
    }
    return null;
  }

  /**
   * The user metadata (summary, details) of the workflow task command being applied, or null: the
   * first event the command writes carries it. Not stored; set and cleared around each command.
   */
  public UserMetadata commandUserMetadata;

  /** Appends an event, assigning its id and time; buffers it while a workflow task is started. */
  public HistoryEvent append(HistoryEvent.Builder event, long now, boolean bufferable) {
    dirty = true;
    event.setEventTime(timestamp(now));
    if (commandUserMetadata != null) {
      event.setUserMetadata(commandUserMetadata);
      commandUserMetadata = null; // the first event a command writes is the command's
    }
    if (bufferable && workflowTask.isStarted()) {
      HistoryEvent e = event.build();
      bufferedEvents.add(e);
      return e;
    }
    if (workflowTask.transientTask && !workflowTask.isStarted()) {
      // History moves on under a pending transient task: it becomes an ordinary one.
      materializeTransientTask(now);
    }
    event.setEventId(nextEventId++);
    HistoryEvent e = event.build();
    newEvents.add(e);
    historySizeBytes += e.getSerializedSize();
    return e;
  }

  /**
   * Writes the Scheduled (and, if started, Started) events of a transient workflow task, at the
   * ids it was given; called when it completes or when other events must follow it.
   */
  public void materializeTransientTask(long now) {
    WorkflowTaskInfo wt = workflowTask;
    if (!wt.transientTask) {
      return;
    }
    wt.transientTask = false;
    HistoryEvent scheduled =
        append(WorkflowTaskEvents.scheduled(this), wt.scheduledTime, false);
    if (scheduled.getEventId() != wt.scheduledEventId) {
      throw new IllegalStateException("transient workflow task id drifted");
    }
    if (wt.isStarted()) {
      append(WorkflowTaskEvents.started(this), wt.startedTime, false);
    }
  }

  /**
   * Moves buffered events into history, assigning ids. A buffered ActivityTaskStarted or
   * ChildWorkflowExecutionStarted gets its id here, so the close event that follows it is fixed up
   * to point at it (activities keyed by scheduled id, children by minus the initiated id).
   */
  public boolean flushBufferedEvents() {
    if (bufferedEvents.isEmpty()) {
      return false;
    }
    Map<Long, Long> startedIds = new HashMap<>();
    for (HistoryEvent e : bufferedEvents) {
      HistoryEvent.Builder b = e.toBuilder().setEventId(nextEventId++);
      switch (e.getEventType()) {
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            startedIds.put(
                e.getActivityTaskStartedEventAttributes().getScheduledEventId(), b.getEventId());
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          Long s = startedIds.get(b.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          if (s != null) b.getActivityTaskCompletedEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_ACTIVITY_TASK_FAILED -> {
          Long s = startedIds.get(b.getActivityTaskFailedEventAttributes().getScheduledEventId());
          if (s != null) b.getActivityTaskFailedEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> {
          Long s = startedIds.get(b.getActivityTaskTimedOutEventAttributes().getScheduledEventId());
          if (s != null) b.getActivityTaskTimedOutEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED -> {
          long initiated = e.getChildWorkflowExecutionStartedEventAttributes().getInitiatedEventId();
          startedIds.put(-initiated, b.getEventId());
          ChildInfo c = children.get(initiated);
          if (c != null) c.startedEventId = b.getEventId();
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED -> {
          Long s = startedIds.get(-b.getChildWorkflowExecutionCompletedEventAttributes().getInitiatedEventId());
          if (s != null) b.getChildWorkflowExecutionCompletedEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED -> {
          Long s = startedIds.get(-b.getChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
          if (s != null) b.getChildWorkflowExecutionFailedEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED -> {
          Long s = startedIds.get(-b.getChildWorkflowExecutionCanceledEventAttributes().getInitiatedEventId());
          if (s != null) b.getChildWorkflowExecutionCanceledEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT -> {
          Long s = startedIds.get(-b.getChildWorkflowExecutionTimedOutEventAttributes().getInitiatedEventId());
          if (s != null) b.getChildWorkflowExecutionTimedOutEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED -> {
          Long s = startedIds.get(-b.getChildWorkflowExecutionTerminatedEventAttributes().getInitiatedEventId());
          if (s != null) b.getChildWorkflowExecutionTerminatedEventAttributesBuilder().setStartedEventId(s);
        }
        case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> {
          Long s = startedIds.get(b.getActivityTaskCanceledEventAttributes().getScheduledEventId());
          if (s != null) b.getActivityTaskCanceledEventAttributesBuilder().setStartedEventId(s);
        }
        default -> {}
      }
      HistoryEvent flushed = b.build();
      historySizeBytes += flushed.getSerializedSize();
      newEvents.add(flushed);
    }
    bufferedEvents.clear();
    return true;
  }

  public boolean hasBufferedEventsOtherThan(EventType... ignored) {
    outer:
    for (HistoryEvent e : bufferedEvents) {
      for (EventType t : ignored) {
        if (e.getEventType() == t) continue outer;
      }
      return true;
    }
    return false;
  }

  public static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }
}
