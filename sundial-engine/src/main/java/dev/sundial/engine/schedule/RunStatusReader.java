package dev.sundial.engine.schedule;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.RunStates;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.HistoryStore;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks at the workflows a schedule started, in the engine's committed state: which are still
 * running (following retries and continue-as-new by first run id), how the others ended. Closed
 * ones leave the running list, their recent-action status is updated, a failure may pause the
 * schedule (pause_on_failure), and a result or failure is kept for the next run.
 */
final class RunStatusReader {
  private final RunStates states;
  private final HistoryStore store;

  RunStatusReader(RunStates states, HistoryStore store) {
    this.states = states;
    this.store = store;
  }

  private record Look(boolean running, String currentRunId, MutableState closed) {}

  /** Refreshes the schedule; returns the current run id of each workflow still running. */
  Map<String, String> refresh(ScheduleState s) {
    Map<String, String> current = new HashMap<>();
    for (WorkflowExecution ex : List.copyOf(s.running)) {
      Look l = look(s.namespaceId, ex.getWorkflowId(), ex.getRunId());
      if (l.running()) {
        current.put(ex.getWorkflowId(), l.currentRunId());
        continue;
      }
      s.running.remove(ex);
      closed(s, ex.getWorkflowId(), l.closed());
    }
    for (int i = 0; i < s.recentActions.size(); i++) {
      ScheduleActionResult a = s.recentActions.get(i);
      if (a.getStartWorkflowStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || current.containsKey(a.getStartWorkflowResult().getWorkflowId())) {
        continue;
      }
      WorkflowExecution ex = a.getStartWorkflowResult();
      Look l = look(s.namespaceId, ex.getWorkflowId(), ex.getRunId());
      if (!l.running() && l.closed() != null) {
        s.recentActions.set(i, a.toBuilder().setStartWorkflowStatus(l.closed().status).build());
      }
    }
    return current;
  }

  private Look look(String namespaceId, String workflowId, String firstRunId) {
    MutableState cur;
    try {
      cur = states.read(namespaceId, workflowId, "");
    } catch (EngineException e) {
      return new Look(false, null, null); // deleted
    }
    if (cur.firstExecutionRunId.equals(firstRunId) || cur.runId.equals(firstRunId)) {
      return cur.isRunning() ? new Look(true, cur.runId, null) : new Look(false, null, cur);
    }
    try { // the id was reused by another chain: ours is over
      return new Look(false, null, states.read(namespaceId, workflowId, firstRunId));
    } catch (EngineException e) {
      return new Look(false, null, null);
    }
  }

  private void closed(ScheduleState s, String workflowId, MutableState run) {
    if (run == null) {
      return;
    }
    WorkflowExecutionStatus status = run.status;
    for (int i = 0; i < s.recentActions.size(); i++) {
      ScheduleActionResult a = s.recentActions.get(i);
      if (a.getStartWorkflowResult().getWorkflowId().equals(workflowId)) {
        s.recentActions.set(i, a.toBuilder().setStartWorkflowStatus(status).build());
      }
    }
    HistoryEvent close = closeEvent(run);
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      if (close != null && close.getWorkflowExecutionCompletedEventAttributes().hasResult()) {
        s.lastCompletionResult = close.getWorkflowExecutionCompletedEventAttributes().getResult();
      }
      s.continuedFailure = null;
    } else if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
        && close != null && close.getWorkflowExecutionFailedEventAttributes().hasFailure()) {
      s.continuedFailure = close.getWorkflowExecutionFailedEventAttributes().getFailure();
    }
    boolean failed = status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
        || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
    var st = s.schedule.getState();
    if (failed && s.schedule.getPolicies().getPauseOnFailure() && !st.getPaused()) {
      String notes = status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED
          ? "paused due to workflow failure: " + workflowId + ": "
              + (close == null ? "" : close.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage())
          : "paused due to workflow timeout: " + workflowId;
      s.schedule = s.schedule.toBuilder().setState(st.toBuilder().setPaused(true).setNotes(notes)).build();
      s.conflictToken++;
    }
  }

  private HistoryEvent closeEvent(MutableState run) {
    if (run.completionEventId <= 0) {
      return null;
    }
    for (HistoryBatch b : store.readHistory(run.namespaceId, run.runId, run.completionEventId, 1)) {
      try {
        for (HistoryEvent e : History.parseFrom(b.events()).getEventsList()) {
          if (e.getEventId() == run.completionEventId) {
            return e;
          }
        }
      } catch (InvalidProtocolBufferException e) {
        return null;
      }
    }
    return null;
  }
}
