package dev.sundial.examples.tasks;

import io.temporal.workflow.Workflow;

public class RelayWorkflowImpl implements RelayWorkflow {
  private final TaskActivities tasks = Activities.tasks();
  private final NotificationActivities notifications = Activities.notifications();

  @Override
  public Handoff relay(Relay r) {
    String from = tasks.assignee(r.taskId());
    Workflow.newUntypedExternalWorkflowStub(TaskLifecycleWorkflow.workflowId(r.taskId()))
        .signal("reassign", r.to(), r.by());
    String note = r.note() == null || r.note().isBlank() ? "" : " Note: " + r.note();
    notifications.send(new Notification(r.relayId() + "-from", from, "HANDOFF",
        "Task handed off", "Your task " + r.taskId() + " was handed to " + r.to() + "." + note));
    notifications.send(new Notification(r.relayId() + "-to", r.to(), "HANDOFF",
        "Task handed to you", "Task " + r.taskId() + " was handed to you by " + from + "." + note));
    tasks.recordHandoff(r.relayId(), r.taskId(), from, r.to(), r.by(), r.note());
    return new Handoff(r.relayId(), r.taskId(), from, r.to());
  }
}
