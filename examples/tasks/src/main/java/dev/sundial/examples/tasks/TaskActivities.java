package dev.sundial.examples.tasks;

import io.temporal.activity.ActivityInterface;

/** The task tracker's database, as activities (each idempotent). */
@ActivityInterface
public interface TaskActivities {
  /** Records the task if it is new (a task started by another workflow has no row yet). */
  void register(TaskSpec task);

  void setAssignee(String taskId, String assignee);

  void setStatus(String taskId, String status);

  void complete(String taskId, String by, String note);

  /** The task's assignee now. */
  String assignee(String taskId);

  /** Records a relay hand-off (once per relay id). */
  void recordHandoff(String relayId, String taskId, String from, String to, String by, String note);

  /** Records a user if new; sets their onboarding status. */
  void onboardingStatus(String userId, String name, String status);

  /** Deletes up to {@code batch} completed or expired tasks closed before the cutoff; returns how many. */
  int deleteClosedBefore(long cutoff, int batch);

  /** Records a cleanup run and what it deleted. */
  void recordCleanup(String runId, int deleted);
}
