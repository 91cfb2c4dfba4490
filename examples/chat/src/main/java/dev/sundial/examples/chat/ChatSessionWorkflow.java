package dev.sundial.examples.chat;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * A chat session, for as long as it is used: its settings, message count, last activity and the
 * window of recent messages the model sees. Idle for its timeout, it archives and closes; it
 * continues as new before its history grows large.
 */
@WorkflowInterface
public interface ChatSessionWorkflow {
  record Settings(String title, int contextWindow, long idleTimeoutMillis, int continueAfter) {}

  record State(String sessionId, String title, String status, int messageCount,
      long lastActivity, int contextWindow, List<Turn> recent) {}

  /** @param carried the state a previous run continued as new with, or null */
  @WorkflowMethod
  void run(String tenant, String sessionId, Settings settings, State carried);

  /** A message and its answer were stored. */
  @SignalMethod
  void exchanged(Turn user, Turn assistant);

  /** New settings (a null or non-positive field keeps its value). */
  @SignalMethod
  void configure(String title, int contextWindow);

  @SignalMethod
  void close(String reason);

  @QueryMethod
  State state();

  static String workflowId(String sessionId) {
    return "chat-session-" + sessionId;
  }
}
