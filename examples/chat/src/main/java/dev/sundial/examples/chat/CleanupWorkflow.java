package dev.sundial.examples.chat;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The chat cleanup (a schedule per tenant): closes sessions inactive longer than
 * {@code archiveAfter} (they archive) and deletes archived ones older than {@code deleteAfter},
 * in batches; returns how many it archived and deleted.
 */
@WorkflowInterface
public interface CleanupWorkflow {
  record Result(int archived, int deleted) {}

  @WorkflowMethod
  Result cleanUp(String tenant, long archiveAfterMillis, long deleteAfterMillis);

  String SCHEDULE_ID = "chat-cleanup";
}
