package dev.sundial.examples.support;

import java.util.List;
import java.util.function.Consumer;

/** A chat-completions model: an OpenAI-compatible endpoint, or the offline echo model. */
public interface ChatModel {
  /** What the model is, for logs and answers ("echo (offline)" or the endpoint's model name). */
  String name();

  /** The assistant's answer to the conversation. */
  String complete(List<ChatMessage> messages);

  /** The same, token by token as they arrive; returns the whole answer. */
  String stream(List<ChatMessage> messages, Consumer<String> tokens);

  /**
   * The model from the environment: {@code LLM_BASE_URL} (e.g. https://openrouter.ai/api/v1 or
   * http://localhost:11434/v1 for Ollama), {@code LLM_MODEL} and {@code LLM_API_KEY}; without a
   * base URL, the offline echo model.
   */
  static ChatModel fromEnvironment(java.util.function.Function<String, String> env) {
    String baseUrl = env.apply("LLM_BASE_URL");
    if (baseUrl == null || baseUrl.isBlank()) {
      return new EchoModel();
    }
    String model = env.apply("LLM_MODEL");
    return new OpenAiCompatibleModel(baseUrl, model == null || model.isBlank() ? "gpt-4o-mini" : model,
        env.apply("LLM_API_KEY"), java.time.Duration.ofSeconds(60));
  }
}
