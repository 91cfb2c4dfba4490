package dev.sundial.examples.chat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/** The chat service's own steps: checking input, its database, context retrieval. Each idempotent. */
@ActivityInterface
public interface ChatActivities {
  /**
   * The message as it may reach the model: control characters removed, length and a simple
   * content policy checked (non-retryable {@code InvalidMessage} failure otherwise).
   */
  String sanitise(String content);

  /** Earlier messages of the session (beyond the model's window) that share words with this one. */
  List<String> relatedMessages(String tenant, String sessionId, String content);

  /** Stores a message and its answer (status ANSWERED or PENDING), once per message id. */
  void saveExchange(String tenant, String sessionId, String messageId, String user,
      String assistant, String status);

  /** A pending message's answer arrived. */
  void answerPending(String tenant, String messageId, String assistant);

  /** The message could not be answered: it goes to the dead-letter list. */
  void deadLetter(String tenant, String sessionId, String messageId, String content, String error);

  void archiveSession(String tenant, String sessionId, String reason);

  /** Up to {@code limit} active sessions with no activity since the cutoff. */
  List<String> inactiveSessions(String tenant, long cutoff, int limit);

  /** Deletes up to {@code limit} sessions archived and inactive since the cutoff, with their messages. */
  int deleteExpiredSessions(String tenant, long cutoff, int limit);

  /** The stub workflows use: the database comes back, so storing is retried until it does. */
  static ChatActivities stub() {
    return Workflow.newActivityStub(ChatActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofMillis(500))
            .setMaximumInterval(Duration.ofSeconds(30))
            .setDoNotRetry("InvalidMessage")
            .build())
        .build());
  }
}
