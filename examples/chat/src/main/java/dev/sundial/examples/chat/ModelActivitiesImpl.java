package dev.sundial.examples.chat;

import dev.sundial.examples.support.ChatMessage;
import dev.sundial.examples.support.ChatModel;
import dev.sundial.examples.support.ModelException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Calls the model through the circuit breaker: after the configured number of failures in a row
 * it opens and calls fail at once (non-retryable {@code CircuitOpen}, with a message for the user)
 * until one half-open probe succeeds.
 */
@Component("modelActivities")
public class ModelActivitiesImpl implements ModelActivities {
  private static final String SYSTEM = "You are a helpful assistant in a chat. Answer briefly.";

  private final ChatModel model;
  private final CircuitBreaker breaker;
  private final StreamHub streams;
  private final Timer latency;
  private final MeterRegistry meters;

  public ModelActivitiesImpl(ChatModel model, CircuitBreaker breaker, StreamHub streams,
      MeterRegistry meters) {
    this.model = model;
    this.breaker = breaker;
    this.streams = streams;
    this.meters = meters;
    this.latency = Timer.builder("chat.llm.latency").description("Model call time").register(meters);
  }

  @Override
  public String answer(String messageId, List<Turn> context, String content) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(ChatMessage.system(SYSTEM));
    for (Turn t : context) messages.add(new ChatMessage(t.role(), t.content()));
    messages.add(ChatMessage.user(content));
    Consumer<String> listener = streams.listener(messageId);
    try {
      return breaker.executeSupplier(() -> latency.record(() ->
          listener == null ? model.complete(messages) : model.stream(messages, listener)));
    } catch (CallNotPermittedException e) {
      meters.counter("chat.llm.errors", "kind", "circuit_open").increment();
      throw ApplicationFailure.newNonRetryableFailure(
          "the assistant is unavailable (too many model failures; trying again shortly)",
          "CircuitOpen");
    } catch (ModelException e) {
      meters.counter("chat.llm.errors", "kind", e.retryable() ? "retryable" : "rejected").increment();
      if (e.retryable()) throw e;
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "ModelRejected");
    }
  }
}
