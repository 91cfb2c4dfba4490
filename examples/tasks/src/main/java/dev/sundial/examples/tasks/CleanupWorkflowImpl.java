package dev.sundial.examples.tasks;

import io.temporal.workflow.Workflow;

public class CleanupWorkflowImpl implements CleanupWorkflow {
  private static final int BATCH = 100;
  private final TaskActivities tasks = Activities.tasks();

  @Override
  public int cleanUp(long retentionMillis) {
    long cutoff = Workflow.currentTimeMillis() - retentionMillis;
    int total = 0;
    int deleted;
    do {
      deleted = tasks.deleteClosedBefore(cutoff, BATCH);
      total += deleted;
    } while (deleted == BATCH);
    tasks.recordCleanup(Workflow.getInfo().getWorkflowId(), total);
    return total;
  }
}
