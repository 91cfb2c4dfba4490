package dev.sundial.examples.tasks;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The daily cleanup: deletes tasks closed longer ago than the retention, in batches. */
@WorkflowInterface
public interface CleanupWorkflow {
  /** @return how many tasks it deleted */
  @WorkflowMethod
  int cleanUp(long retentionMillis);

  String SCHEDULE_ID = "tasks-daily-cleanup";
}
