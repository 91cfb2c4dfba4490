package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ChildInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import io.temporal.api.command.v1.StartChildWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.StartChildWorkflowExecutionFailedCause;
import io.temporal.api.history.v1.ChildWorkflowExecutionStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.StartChildWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;

/** The parent side of child workflows: initiate, started/failed to start, closed. */
public final class Children {
  private Children() {}

  /** StartChildWorkflowExecution command: record the intent; a transfer task starts the child. */
  public static void initiate(
      ShardTxn txn, MutableState s, StartChildWorkflowExecutionCommandAttributes c,
      String namespaceName, String namespaceId, long completedId) {
    StartChildWorkflowExecutionInitiatedEventAttributes.Builder a =
        StartChildWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setNamespace(namespaceName)
            .setNamespaceId(namespaceId)
            .setWorkflowId(c.getWorkflowId())
            .setWorkflowType(c.getWorkflowType())
            .setTaskQueue(
                c.getTaskQueue().getName().isEmpty()
                    ? TaskQueue.newBuilder().setName(s.taskQueue()).build()
                    : c.getTaskQueue())
            .setWorkflowExecutionTimeout(c.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(c.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(c.getWorkflowTaskTimeout())
            .setParentClosePolicy(
                c.getParentClosePolicy() == ParentClosePolicy.PARENT_CLOSE_POLICY_UNSPECIFIED
                    ? ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE
                    : c.getParentClosePolicy())
            .setControl(c.getControl())
            .setWorkflowTaskCompletedEventId(completedId)
            .setWorkflowIdReusePolicy(c.getWorkflowIdReusePolicy())
            .setCronSchedule(c.getCronSchedule());
    if (c.hasInput()) a.setInput(c.getInput());
    if (c.hasRetryPolicy()) a.setRetryPolicy(c.getRetryPolicy());
    if (c.hasHeader()) a.setHeader(c.getHeader());
    if (c.hasMemo()) a.setMemo(c.getMemo());
    if (c.hasSearchAttributes()) a.setSearchAttributes(c.getSearchAttributes());
    if (c.hasPriority()) a.setPriority(c.getPriority());
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
                .setStartChildWorkflowExecutionInitiatedEventAttributes(a),
            txn.now(),
            false);
    ChildInfo ci = ChildEvents.applyInitiated(s, e);
    Transfers.add(txn, s, TimerKind.START_CHILD, ci.initiatedEventId);
  }

  /** The child run exists: ChildWorkflowExecutionStarted. */
  public static void started(ShardTxn txn, MutableState s, ChildInfo ci, String childRunId) {
    if (!s.isRunning() || ci.startedEventId != 0) {
      return;
    }
    ChildWorkflowExecutionStartedEventAttributes.Builder a =
        ChildWorkflowExecutionStartedEventAttributes.newBuilder()
            .setNamespace(ci.initiated.getNamespace())
            .setNamespaceId(ci.initiated.getNamespaceId())
            .setInitiatedEventId(ci.initiatedEventId)
            .setWorkflowExecution(
                WorkflowExecution.newBuilder()
                    .setWorkflowId(ci.initiated.getWorkflowId())
                    .setRunId(childRunId))
            .setWorkflowType(ci.initiated.getWorkflowType());
    if (ci.initiated.hasHeader()) a.setHeader(ci.initiated.getHeader());
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
                .setChildWorkflowExecutionStartedEventAttributes(a),
            txn.now(),
            true);
    ChildEvents.applyStarted(s, e);
    WorkflowTasks.scheduleIfNone(txn, s);
  }

  /** The child id was taken: StartChildWorkflowExecutionFailed(WORKFLOW_ALREADY_EXISTS). */
  public static void startFailed(ShardTxn txn, MutableState s, ChildInfo ci) {
    if (!s.isRunning()) {
      return;
    }
    HistoryEvent e = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED)
            .setStartChildWorkflowExecutionFailedEventAttributes(
                StartChildWorkflowExecutionFailedEventAttributes.newBuilder()
                    .setNamespace(ci.initiated.getNamespace())
                    .setNamespaceId(ci.initiated.getNamespaceId())
                    .setWorkflowId(ci.initiated.getWorkflowId())
                    .setWorkflowType(ci.initiated.getWorkflowType())
                    .setCause(
                        StartChildWorkflowExecutionFailedCause
                            .START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS)
                    .setControl(ci.initiated.getControl())
                    .setInitiatedEventId(ci.initiatedEventId)
                    .setWorkflowTaskCompletedEventId(
                        ci.initiated.getWorkflowTaskCompletedEventId())),
        txn.now(),
        true);
    ChildEvents.applyClosed(s, e);
    WorkflowTasks.scheduleIfNone(txn, s);
  }

  /**
   * The child's chain closed: the close event (ChildWorkflowExecutionCompleted, ...) built by the
   * caller from the child's own close event, with initiated/started ids filled in here.
   */
  public static void closed(ShardTxn txn, MutableState s, ChildInfo ci, HistoryEvent.Builder event) {
    if (!s.isRunning()) {
      return;
    }
    long started = Math.max(ci.startedEventId, 0);
    switch (event.getEventType()) {
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED ->
          event.getChildWorkflowExecutionCompletedEventAttributesBuilder()
              .setInitiatedEventId(ci.initiatedEventId).setStartedEventId(started);
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED ->
          event.getChildWorkflowExecutionFailedEventAttributesBuilder()
              .setInitiatedEventId(ci.initiatedEventId).setStartedEventId(started);
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED ->
          event.getChildWorkflowExecutionCanceledEventAttributesBuilder()
              .setInitiatedEventId(ci.initiatedEventId).setStartedEventId(started);
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT ->
          event.getChildWorkflowExecutionTimedOutEventAttributesBuilder()
              .setInitiatedEventId(ci.initiatedEventId).setStartedEventId(started);
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED ->
          event.getChildWorkflowExecutionTerminatedEventAttributesBuilder()
              .setInitiatedEventId(ci.initiatedEventId).setStartedEventId(started);
      default -> throw new IllegalArgumentException("not a child close event: " + event.getEventType());
    }
    ChildEvents.applyClosed(s, s.append(event, txn.now(), true));
    WorkflowTasks.scheduleIfNone(txn, s);
  }

  /** On the parent's close: children whose policy is not ABANDON get a transfer task each. */
  static void applyParentClosePolicy(ShardTxn txn, MutableState s) {
    for (ChildInfo ci : s.children.values()) {
      if (ci.startedEventId != 0
          && ci.initiated.getParentClosePolicy() != ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON) {
        Transfers.add(txn, s, TimerKind.PARENT_CLOSE_POLICY, ci.initiatedEventId);
      }
    }
  }
}
