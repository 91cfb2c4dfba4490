package dev.sundial.examples.chat;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateStage;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** What the REST API does with Temporal: sessions' workflows and sending a message. */
@Service
public class ChatService {
  private final Tenants tenants;
  private final ChatSettings settings;

  public ChatService(Tenants tenants, ChatSettings settings) {
    this.tenants = tenants;
    this.settings = settings;
  }

  public void startSession(String tenant, String sessionId, String title, int contextWindow) {
    WorkflowClient client = tenants.client(tenant);
    ChatSessionWorkflow session = client.newWorkflowStub(ChatSessionWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(ChatSessionWorkflow.workflowId(sessionId))
            .setTaskQueue(settings.taskQueue())
            .build());
    WorkflowClient.start(session::run, tenant, sessionId,
        new ChatSessionWorkflow.Settings(title, contextWindow > 0 ? contextWindow : settings.contextWindow(),
            settings.idleTimeout().toMillis(), settings.continueAfter()),
        null);
  }

  public ChatSessionWorkflow session(String tenant, String sessionId) {
    return tenants.client(tenant).newWorkflowStub(ChatSessionWorkflow.class,
        ChatSessionWorkflow.workflowId(sessionId));
  }

  /**
   * Sends a message: starts its workflow and waits (an update with start) for the first reply —
   * the answer, or the notice that the assistant is unavailable.
   */
  public ChatMessageWorkflow.Reply send(String tenant, String sessionId, String messageId,
      String content, List<Turn> context) {
    WorkflowClient client = tenants.client(tenant);
    ChatMessageWorkflow message = client.newWorkflowStub(ChatMessageWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(ChatMessageWorkflow.workflowId(messageId))
            .setTaskQueue(settings.taskQueue())
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .build());
    var start = new WithStartWorkflowOperation<>(message::run, new ChatMessageWorkflow.Message(
        tenant, sessionId, messageId, content, context, settings.recoveryEvery().toMillis(),
        settings.giveUpAfter().toMillis()));
    return WorkflowClient.executeUpdateWithStart(message::reply,
        UpdateOptions.newBuilder(ChatMessageWorkflow.Reply.class)
            .setUpdateId("reply")
            .setWaitForStage(WorkflowUpdateStage.COMPLETED)
            .build(),
        start);
  }

  public static String newMessageId() {
    return UUID.randomUUID().toString();
  }
}
