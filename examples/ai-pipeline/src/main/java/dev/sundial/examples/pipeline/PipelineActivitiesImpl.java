package dev.sundial.examples.pipeline;

import dev.sundial.examples.support.ChatMessage;
import dev.sundial.examples.support.ChatModel;
import dev.sundial.examples.support.ModelException;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import org.springframework.stereotype.Component;

/** The pipeline's steps, as a Spring bean the Temporal worker runs. */
@Component("pipelineActivities")
public class PipelineActivitiesImpl implements PipelineActivities {
  /** The longest input the pipeline takes, in characters. */
  static final int MAX_INPUT = 8_000;

  private final ChatModel chatModel;
  private final RequestStore store;

  public PipelineActivitiesImpl(ChatModel chatModel, RequestStore store) {
    this.chatModel = chatModel;
    this.store = store;
  }

  @Override
  public String validate(AiRequest request) {
    store.insertIfAbsent(request); // a start through Temporal's API directly has no row yet
    String data = request.data() == null ? "" : request.data().strip();
    if (data.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("data is empty", "InvalidRequest");
    }
    if (data.length() > MAX_INPUT) {
      throw ApplicationFailure.newNonRetryableFailure(
          "data is " + data.length() + " characters; the limit is " + MAX_INPUT, "InvalidRequest");
    }
    if (request.userId() == null || request.userId().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("userId is missing", "InvalidRequest");
    }
    // Control characters other than line breaks and tabs do not reach the model.
    return data.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "");
  }

  @Override
  public String callModel(String prompt) {
    try {
      return chatModel.complete(List.of(
          ChatMessage.system("You are a helpful assistant. Answer briefly."),
          ChatMessage.user(prompt)));
    } catch (ModelException e) {
      if (e.retryable()) throw e; // Temporal retries it with the workflow's backoff
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "ModelRejected");
    }
  }

  @Override
  public String processAndStore(String requestId, String answer) {
    String result = answer.strip();
    store.complete(requestId, result);
    return result;
  }

  @Override
  public void recordFailure(String requestId, String error) {
    store.fail(requestId, error);
  }
}
