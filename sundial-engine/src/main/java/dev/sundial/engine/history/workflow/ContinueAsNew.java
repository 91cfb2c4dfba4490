package dev.sundial.engine.history.workflow;

import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.AutoResetPoints;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.visibility.SearchAttributeState;
import io.temporal.api.command.v1.ContinueAsNewWorkflowExecutionCommandAttributes;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionContinuedAsNewEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.util.UUID;

/** The ContinueAsNewWorkflowExecution command: close this run, start the next of the chain. */
public final class ContinueAsNew {
  private ContinueAsNew() {}

  public static void apply(
      ShardTxn txn, MutableState s, ContinueAsNewWorkflowExecutionCommandAttributes c,
      long completedId) {
    String newRunId = UUID.randomUUID().toString();
    var started = s.started;
    WorkflowExecutionContinuedAsNewEventAttributes.Builder a =
        WorkflowExecutionContinuedAsNewEventAttributes.newBuilder()
            .setNewExecutionRunId(newRunId)
            .setWorkflowType(c.getWorkflowType().getName().isEmpty() ? started.getWorkflowType() : c.getWorkflowType())
            .setTaskQueue(c.getTaskQueue().getName().isEmpty() ? started.getTaskQueue() : c.getTaskQueue())
            .setWorkflowRunTimeout(
                Durations.toMillis(c.getWorkflowRunTimeout()) > 0
                    ? c.getWorkflowRunTimeout()
                    : started.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(
                Durations.toMillis(c.getWorkflowTaskTimeout()) > 0
                    ? c.getWorkflowTaskTimeout()
                    : started.getWorkflowTaskTimeout())
            .setWorkflowTaskCompletedEventId(completedId)
            .setBackoffStartInterval(c.getBackoffStartInterval())
            .setInitiator(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    if (c.hasInput()) a.setInput(c.getInput());
    if (c.hasFailure()) a.setFailure(c.getFailure());
    if (c.hasLastCompletionResult()) a.setLastCompletionResult(c.getLastCompletionResult());
    if (c.hasHeader()) a.setHeader(c.getHeader());
    if (c.hasMemo()) a.setMemo(c.getMemo());
    if (c.hasSearchAttributes()) a.setSearchAttributes(c.getSearchAttributes());
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
                .setWorkflowExecutionContinuedAsNewEventAttributes(a),
            txn.now(),
            false);
    WorkflowClose.finish(txn, s, e);

    WorkflowExecutionStartedEventAttributes.Builder next =
        started.toBuilder()
            .clearFirstWorkflowTaskBackoff()
            .clearWorkflowExecutionExpirationTime()
            .clearContinuedFailure()
            .clearLastCompletionResult()
            .clearInput()
            .setWorkflowType(a.getWorkflowType())
            .setTaskQueue(a.getTaskQueue())
            .setWorkflowRunTimeout(a.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(a.getWorkflowTaskTimeout())
            .setAttempt(1)
            .setContinuedExecutionRunId(s.runId)
            .setInitiator(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    if (c.hasInput()) next.setInput(c.getInput());
    if (c.hasLastCompletionResult()) next.setLastCompletionResult(c.getLastCompletionResult());
    if (c.hasFailure()) next.setContinuedFailure(c.getFailure());
    if (c.hasHeader()) next.setHeader(c.getHeader());
    if (c.hasMemo()) next.setMemo(c.getMemo());
    if (c.hasSearchAttributes()) next.setSearchAttributes(c.getSearchAttributes());
    // Without its own, the new run keeps the current search attributes and memo (upserts included).
    SearchAttributeState.inherit(
        s, next, c.hasSearchAttributes(), c.hasMemo());
    if (c.hasRetryPolicy()) next.setRetryPolicy(c.getRetryPolicy());
    if (!c.getCronSchedule().isEmpty()) next.setCronSchedule(c.getCronSchedule());
    next.setPrevAutoResetPoints(
        AutoResetPoints.carriedOver(
            s, txn.now(), txn.retentionMillis(s.namespaceId)));
    WorkflowRuns.create(
        txn, s.namespaceId, s.workflowId, newRunId, s.firstExecutionRunId, s.startRequestId,
        next, Durations.toMillis(c.getBackoffStartInterval()), s.executionExpirationTime,
        WorkflowClose.currentOf(s));
  }
}
