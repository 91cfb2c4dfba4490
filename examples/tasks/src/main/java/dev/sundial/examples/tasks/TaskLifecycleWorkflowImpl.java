package dev.sundial.examples.tasks;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A task's life: assignment, reminders, the overdue alert, reassignments, completion or expiry. */
public class TaskLifecycleWorkflowImpl implements TaskLifecycleWorkflow {
  private final TaskActivities tasks = Activities.tasks();
  private final NotificationActivities notifications = Activities.notifications();

  private TaskSpec task;
  private String status = "OPEN";
  private String assignee;
  private final List<String> assignees = new ArrayList<>();
  private final List<String[]> reassignments = new ArrayList<>();
  private int remindersSent;
  private boolean overdue;
  private boolean completeRequested;
  private String completedBy;
  private String completionNote;
  private long completedAt;
  private int sent;

  @Override
  public TaskProgress run(TaskSpec spec) {
    task = spec;
    assignee = spec.assignedTo();
    assignees.add(assignee);
    tasks.register(spec);
    notify(assignee, "ASSIGNED", "You have a new task: " + spec.title(),
        spec.title() + " is yours, due " + Instant.ofEpochMilli(spec.dueAt()) + ".");

    // The reminders due after the task was created, earliest first. One whose time passed while
    // the service or Sundial was down goes out late rather than never (unless the task is overdue).
    List<Long> reminders = new ArrayList<>();
    for (long offset : spec.reminderOffsets()) {
      long at = spec.dueAt() - offset;
      if (at > spec.createdAt()) reminders.add(at);
    }
    reminders.sort(Long::compare);
    long end = spec.createdAt() + spec.lifetime();

    while (!completeRequested) {
      long now = Workflow.currentTimeMillis();
      long next = end;
      if (!reminders.isEmpty()) next = Math.min(next, reminders.get(0));
      if (!overdue) next = Math.min(next, spec.dueAt());
      Workflow.await(Duration.ofMillis(Math.max(1, next - now)),
          () -> completeRequested || !reassignments.isEmpty());
      if (!reassignments.isEmpty()) {
        String[] r = reassignments.remove(0);
        if (!r[0].equals(assignee)) {
          assignee = r[0];
          assignees.add(assignee);
          tasks.setAssignee(spec.id(), assignee);
          notify(assignee, "ASSIGNED", "You have a new task: " + spec.title(),
              spec.title() + " was reassigned to you by " + r[1] + ", due "
                  + Instant.ofEpochMilli(spec.dueAt()) + ".");
        }
        continue;
      }
      if (completeRequested) break;
      now = Workflow.currentTimeMillis();
      if (now >= end) {
        status = "EXPIRED";
        tasks.setStatus(spec.id(), status);
        notify(assignee, "EXPIRED", "Task closed unfinished: " + spec.title(),
            spec.title() + " was open for its whole lifetime and has been closed.");
        return progress();
      }
      if (!overdue && now >= spec.dueAt()) {
        overdue = true;
        status = "OVERDUE";
        reminders.clear(); // a reminder after the alert says nothing new
        tasks.setStatus(spec.id(), status);
        notify(assignee, "OVERDUE", "Overdue: " + spec.title(),
            spec.title() + " was due " + Instant.ofEpochMilli(spec.dueAt()) + ".");
      } else if (!reminders.isEmpty() && now >= reminders.get(0)) {
        reminders.remove(0);
        remindersSent++;
        notify(assignee, "REMINDER", "Reminder: " + spec.title(),
            spec.title() + " is due in " + Duration.ofMillis(spec.dueAt() - now).withNanos(0) + ".");
      }
    }
    status = "COMPLETED";
    completedAt = Workflow.currentTimeMillis();
    tasks.complete(spec.id(), completedBy, completionNote);
    notify(spec.createdBy(), "COMPLETED", "Done: " + spec.title(),
        spec.title() + " was completed by " + completedBy
            + (completionNote == null || completionNote.isBlank() ? "." : ": " + completionNote));
    return progress();
  }

  private void notify(String user, String kind, String subject, String message) {
    // The id is the same on every replay: a retried send is recognised by it.
    notifications.send(new Notification(task.id() + "-" + (++sent), user, kind, subject, message));
  }

  @Override
  public void complete(String by, String note) {
    if (completeRequested) return;
    completeRequested = true;
    completedBy = by;
    completionNote = note;
  }

  @Override
  public void reassign(String to, String by) {
    if (!completeRequested && to != null && !to.isBlank()) {
      reassignments.add(new String[] {to, by == null ? "someone" : by});
    }
  }

  @Override
  public TaskProgress progress() {
    String id = task == null ? "" : task.id();
    return new TaskProgress(id, status, assignee, List.copyOf(assignees), remindersSent, overdue,
        completedBy, completedAt);
  }
}
