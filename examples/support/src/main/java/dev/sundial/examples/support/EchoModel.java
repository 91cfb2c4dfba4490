package dev.sundial.examples.support;

import java.util.List;
import java.util.function.Consumer;

/**
 * The offline model, so the applications run with no key: it answers by repeating the last user
 * message, and says it is the echo model.
 */
public final class EchoModel implements ChatModel {
  @Override
  public String name() {
    return "echo (offline: set LLM_BASE_URL to use a real model)";
  }

  @Override
  public String complete(List<ChatMessage> messages) {
    String last = "";
    for (ChatMessage m : messages) {
      if (m.role().equals("user")) last = m.content();
    }
    return "[echo model] You said: " + last;
  }

  @Override
  public String stream(List<ChatMessage> messages, Consumer<String> tokens) {
    String answer = complete(messages);
    for (String word : answer.split("(?<= )")) {
      tokens.accept(word);
    }
    return answer;
  }
}
