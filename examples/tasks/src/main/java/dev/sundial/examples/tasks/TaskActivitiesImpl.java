package dev.sundial.examples.tasks;

import org.springframework.stereotype.Component;

@Component("taskActivities")
public class TaskActivitiesImpl implements TaskActivities {
  private final TaskStore store;

  public TaskActivitiesImpl(TaskStore store) {
    this.store = store;
  }

  @Override
  public void register(TaskSpec task) {
    store.insertTaskIfAbsent(task);
  }

  @Override
  public void setAssignee(String taskId, String assignee) {
    store.setAssignee(taskId, assignee);
  }

  @Override
  public void setStatus(String taskId, String status) {
    store.setStatus(taskId, status);
  }

  @Override
  public void complete(String taskId, String by, String note) {
    store.complete(taskId, by, note);
  }

  @Override
  public String assignee(String taskId) {
    return store.task(taskId).orElseThrow(() -> new IllegalStateException("no task " + taskId))
        .assignedTo();
  }

  @Override
  public void recordHandoff(String relayId, String taskId, String from, String to, String by,
      String note) {
    store.recordHandoff(relayId, taskId, from, to, by, note);
  }

  @Override
  public void onboardingStatus(String userId, String name, String status) {
    store.upsertUser(userId, name, status);
  }

  @Override
  public int deleteClosedBefore(long cutoff, int batch) {
    return store.deleteClosedBefore(cutoff, batch);
  }

  @Override
  public void recordCleanup(String runId, int deleted) {
    store.recordCleanup(runId, deleted);
  }
}
