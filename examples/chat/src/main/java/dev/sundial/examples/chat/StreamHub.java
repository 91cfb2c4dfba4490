package dev.sundial.examples.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Hands the model's tokens to the HTTP request waiting for them: the request registers for its
 * message id, the activity (a worker in this same process) publishes to it. A message whose
 * request has gone, or that runs on another node, is answered whole instead.
 */
@Component
public class StreamHub {
  private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();

  public void listen(String messageId, Consumer<String> tokens) {
    listeners.put(messageId, tokens);
  }

  public void stop(String messageId) {
    listeners.remove(messageId);
  }

  /** The listener of a message, or null when nobody streams it. */
  public Consumer<String> listener(String messageId) {
    return listeners.get(messageId);
  }
}
