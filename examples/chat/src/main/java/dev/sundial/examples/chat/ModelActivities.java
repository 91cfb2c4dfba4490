package dev.sundial.examples.chat;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The LLM call. */
@ActivityInterface
public interface ModelActivities {
  /**
   * The assistant's answer to {@code content} after the {@code context} turns; streamed to a
   * client waiting for {@code messageId} on this node. Fails fast ({@code CircuitOpen},
   * non-retryable) while the circuit breaker is open.
   */
  String answer(String messageId, List<Turn> context, String content);
}
