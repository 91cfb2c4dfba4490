package dev.sundial.engine.history.workflow;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.common.v1.Header;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;

/** Signals delivered to a run: deduplicated by request id, buffered while a task runs. */
public final class Signals {
  /** Request ids remembered per run for deduplication (oldest forgotten first). */
  static final int REMEMBERED_REQUEST_IDS = 1000;

  private Signals() {}

  /** @param sender the workflow that sent the signal (SignalExternalWorkflowExecution), or null */
  public static void signal(
      ShardTxn txn, MutableState s, String name, Payloads input, Header header, String identity,
      String requestId, WorkflowExecution sender) {
    if (!s.isRunning()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    if (requestId != null && !requestId.isEmpty()) {
      if (s.signalRequestIds.contains(requestId)) {
        return;
      }
      s.signalRequestIds.add(requestId);
      if (s.signalRequestIds.size() > REMEMBERED_REQUEST_IDS) {
        var it = s.signalRequestIds.iterator();
        it.next();
        it.remove();
      }
    }
    WorkflowExecutionSignaledEventAttributes.Builder a =
        WorkflowExecutionSignaledEventAttributes.newBuilder()
            .setSignalName(name)
            .setIdentity(identity == null ? "" : identity);
    if (input != null) a.setInput(input);
    if (header != null) a.setHeader(header);
    if (sender != null) a.setExternalWorkflowExecution(sender);
    s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .setWorkflowExecutionSignaledEventAttributes(a),
        txn.now(),
        true);
    WorkflowTasks.scheduleIfNone(txn, s);
  }
}
