package dev.sundial.examples.chat;

import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.util.List;

public class CleanupWorkflowImpl implements CleanupWorkflow {
  private static final int BATCH = 50;
  private final ChatActivities chat = ChatActivities.stub();

  @Override
  public Result cleanUp(String tenant, long archiveAfterMillis, long deleteAfterMillis) {
    long now = Workflow.currentTimeMillis();
    int archived = 0;
    List<String> inactive = chat.inactiveSessions(tenant, now - archiveAfterMillis, BATCH);
    for (String id : inactive) {
      try {
        Workflow.newUntypedExternalWorkflowStub(ChatSessionWorkflow.workflowId(id))
            .signal("close", "inactive");
      } catch (SignalExternalWorkflowException e) {
        chat.archiveSession(tenant, id, "inactive, no session workflow"); // it closed already
      }
      archived++;
    }
    int deleted = 0;
    int batch;
    do {
      batch = chat.deleteExpiredSessions(tenant, now - deleteAfterMillis, BATCH);
      deleted += batch;
    } while (batch == BATCH);
    return new Result(archived, deleted);
  }
}
