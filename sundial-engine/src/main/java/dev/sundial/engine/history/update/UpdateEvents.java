package dev.sundial.engine.history.update;

import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.UpdateRecord;
import io.temporal.api.history.v1.HistoryEvent;

/** How workflow update events change the run's update records, live and on rebuild. */
public final class UpdateEvents {
  private UpdateEvents() {}

  /** WorkflowExecutionUpdateAccepted: the update's record, by update id. */
  public static void applyAccepted(MutableState s, HistoryEvent e) {
    String updateId = e.getWorkflowExecutionUpdateAcceptedEventAttributes().getProtocolInstanceId();
    s.updates.put(updateId, new UpdateRecord(e.getEventId(), 0));
    s.dirty = true;
  }

  /** WorkflowExecutionUpdateCompleted: the record knows where the outcome is. */
  public static void applyCompleted(MutableState s, HistoryEvent e) {
    var a = e.getWorkflowExecutionUpdateCompletedEventAttributes();
    String updateId = a.getMeta().getUpdateId();
    UpdateRecord r = s.updates.get(updateId);
    if (r != null) {
      r.completedEventId = e.getEventId();
    } else {
      s.updates.put(updateId, new UpdateRecord(a.getAcceptedEventId(), e.getEventId()));
    }
    s.dirty = true;
  }
}
