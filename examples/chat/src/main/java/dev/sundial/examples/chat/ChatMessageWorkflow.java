package dev.sundial.examples.chat;

import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One message: checked and sanitised, then context retrieval and the model call in parallel,
 * then both messages stored and the session told. When the model is down the user at once gets a
 * stored, honest answer that it is unavailable; the workflow keeps trying and answers the message
 * when the model recovers, or puts it on the dead-letter list when it gives up.
 */
@WorkflowInterface
public interface ChatMessageWorkflow {
  /**
   * @param recoveryEveryMillis how often a pending message tries the model again
   * @param giveUpAfterMillis when a pending message goes to the dead-letter list
   */
  record Message(String tenant, String sessionId, String messageId, String content,
      List<Turn> context, long recoveryEveryMillis, long giveUpAfterMillis) {}

  /**
   * What the user gets: ANSWERED (the model's answer), PENDING (the unavailable notice; the answer
   * comes later), REFUSED (the input was not accepted) or FAILED.
   */
  record Reply(String messageId, String status, String content, List<String> related) {}

  String UNAVAILABLE = "The assistant is unavailable right now. Your message is saved and will"
      + " be answered as soon as it is back.";

  @WorkflowMethod
  Reply run(Message message);

  /** The first reply, as soon as it is known (the request's answer). */
  @UpdateMethod
  Reply reply();

  static String workflowId(String messageId) {
    return "chat-message-" + messageId;
  }
}
