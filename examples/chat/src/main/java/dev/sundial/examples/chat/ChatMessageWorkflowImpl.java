package dev.sundial.examples.chat;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

public class ChatMessageWorkflowImpl implements ChatMessageWorkflow {
  private final ChatActivities chat = ChatActivities.stub();
  /** A few quick retries with backoff; a model down for longer is the recovery loop's. */
  private final ModelActivities model = Workflow.newActivityStub(ModelActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofMillis(500))
              .setBackoffCoefficient(2)
              .setMaximumAttempts(3)
              .setDoNotRetry("CircuitOpen", "ModelRejected")
              .build())
          .build());

  private Reply reply;

  @Override
  public Reply run(Message m) {
    String text;
    try {
      text = chat.sanitise(m.content());
    } catch (ActivityFailure e) {
      reply = new Reply(m.messageId(), "REFUSED", reason(e), List.of());
      return reply;
    }
    Promise<List<String>> related =
        Async.function(chat::relatedMessages, m.tenant(), m.sessionId(), text);
    Promise<String> answer = Async.function(model::answer, m.messageId(), m.context(), text);
    String assistant;
    try {
      assistant = answer.get();
    } catch (ActivityFailure e) {
      return recover(m, text, reason(e));
    }
    chat.saveExchange(m.tenant(), m.sessionId(), m.messageId(), text, assistant, "ANSWERED");
    tellSession(m, text, assistant);
    reply = new Reply(m.messageId(), "ANSWERED", assistant, related.get());
    return reply;
  }

  /** The model is down: tell the user, keep the message, answer it when the model is back. */
  private Reply recover(Message m, String text, String error) {
    chat.saveExchange(m.tenant(), m.sessionId(), m.messageId(), text, UNAVAILABLE, "PENDING");
    reply = new Reply(m.messageId(), "PENDING", UNAVAILABLE, List.of());
    long giveUpAt = Workflow.currentTimeMillis() + m.giveUpAfterMillis();
    while (Workflow.currentTimeMillis() < giveUpAt) {
      Workflow.sleep(Duration.ofMillis(m.recoveryEveryMillis()));
      try {
        String assistant = model.answer(m.messageId(), m.context(), text);
        chat.answerPending(m.tenant(), m.messageId(), assistant);
        tellSession(m, text, assistant);
        return new Reply(m.messageId(), "ANSWERED", assistant, List.of());
      } catch (ActivityFailure e) {
        error = reason(e);
      }
    }
    chat.deadLetter(m.tenant(), m.sessionId(), m.messageId(), text, error);
    return new Reply(m.messageId(), "FAILED", error, List.of());
  }

  private void tellSession(Message m, String text, String assistant) {
    try {
      Workflow.newUntypedExternalWorkflowStub(ChatSessionWorkflow.workflowId(m.sessionId()))
          .signal("exchanged", new Turn("user", text), new Turn("assistant", assistant));
    } catch (SignalExternalWorkflowException e) {
      // The session was archived meanwhile: the messages are stored all the same.
    }
  }

  private static String reason(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure a ? a.getOriginalMessage()
        : e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
  }

  @Override
  public Reply reply() {
    Workflow.await(() -> reply != null);
    return reply;
  }
}
