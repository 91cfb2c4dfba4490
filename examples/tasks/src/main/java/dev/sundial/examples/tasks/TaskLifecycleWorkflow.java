package dev.sundial.examples.tasks;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One task from assignment to completion (or expiry, 30 days by default): it notifies the
 * assignee, sends reminders before the due time and an alert when it passes, and takes the
 * complete and reassign signals.
 */
@WorkflowInterface
public interface TaskLifecycleWorkflow {
  @WorkflowMethod
  TaskProgress run(TaskSpec task);

  @SignalMethod
  void complete(String by, String note);

  @SignalMethod
  void reassign(String to, String by);

  @QueryMethod
  TaskProgress progress();

  static String workflowId(String taskId) {
    return "task-" + taskId;
  }
}
