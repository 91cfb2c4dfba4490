package dev.sundial.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleModelTest {
  @Test
  void answersPlainAndStreamedAndReportsFailures() throws Exception {
    try (FakeOpenAi fake = new FakeOpenAi()) {
      var model = new OpenAiCompatibleModel(fake.baseUrl(), "fake-model", "secret", Duration.ofSeconds(5));
      List<ChatMessage> chat = List.of(ChatMessage.system("be brief"), ChatMessage.user("hello there"));
      assertThat(model.complete(chat)).isEqualTo(FakeOpenAi.answerTo("hello there"));

      List<String> tokens = new ArrayList<>();
      assertThat(model.stream(chat, tokens::add)).isEqualTo(FakeOpenAi.answerTo("hello there"));
      assertThat(tokens).hasSizeGreaterThan(1);
      assertThat(String.join("", tokens)).isEqualTo(FakeOpenAi.answerTo("hello there"));

      fake.failNext(1);
      assertThatThrownBy(() -> model.complete(chat))
          .isInstanceOfSatisfying(ModelException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 503").doesNotContain("secret");
          });
    }
  }

  @Test
  void theEchoModelNeedsNoNetwork() {
    ChatModel echo = ChatModel.fromEnvironment(name -> null);
    assertThat(echo.name()).contains("echo");
    assertThat(echo.complete(List.of(ChatMessage.user("ping")))).contains("You said: ping");
  }
}
