package dev.sundial.examples.tasks;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A new user's onboarding (7 days by default): a welcome, onboarding tasks (each a task lifecycle
 * workflow), follow-up reminders while tasks are open, and a closing message.
 */
@WorkflowInterface
public interface OnboardingWorkflow {
  /**
   * @param duration how long onboarding lasts, in milliseconds
   * @param followUps when follow-ups go out, in milliseconds after the start
   */
  record NewUser(String userId, String name, List<String> tasks, long startedAt, long duration,
      List<Long> followUps, List<Long> reminderOffsets) {}

  /** Where onboarding stands: {@code ONBOARDING}, {@code COMPLETED} or {@code ENDED_WITH_OPEN_TASKS}. */
  record OnboardingStatus(String userId, String status, int tasks, int tasksDone, int followUpsSent) {}

  @WorkflowMethod
  OnboardingStatus onboard(NewUser user);

  @QueryMethod
  OnboardingStatus status();

  static String workflowId(String userId) {
    return "onboarding-" + userId;
  }
}
