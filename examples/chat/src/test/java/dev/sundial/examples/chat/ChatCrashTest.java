package dev.sundial.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.examples.support.Eventually;
import dev.sundial.examples.support.FakeOpenAi;
import dev.sundial.examples.support.StandaloneSundial;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The chat service on a standalone Sundial killed with SIGKILL while a message waits for the
 * model to come back: after a restart on the same file, the message is answered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatCrashTest {
  private static final FakeOpenAi MODEL = FakeOpenAi.start();
  @TempDir static Path data;
  private static StandaloneSundial server;

  @Autowired ChatService chat;
  @Autowired ChatStore store;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    server = new StandaloneSundial(data).start();
    r.add("temporal-address", server::target);
    r.add("app.data-dir", () -> data.toString());
    r.add("LLM_BASE_URL", MODEL::baseUrl);
    r.add("chat.breaker-open-for", () -> "1s");
    r.add("chat.recovery-every", () -> "1s");
    r.add("chat.give-up-after", () -> "5m");
  }


  @AfterAll
  static void stop() {
    MODEL.close();
    if (server != null) server.close();
  }

  @Test
  void aPendingMessageIsAnsweredAfterKillNineOfTheServer() throws Exception {
    store.createSession("default", "s1", "Crash");
    chat.startSession("default", "s1", "Crash", 0);
    MODEL.setDown(true);
    var reply = chat.send("default", "s1", "m1", "still there after a crash?", List.of());
    assertThat(reply.status()).isEqualTo("PENDING");

    server.kill();
    server.start();
    MODEL.setDown(false);

    Eventually.await(Duration.ofSeconds(60), "the pending message to be answered", () ->
        store.messages("default", "s1").stream().anyMatch(m ->
            FakeOpenAi.answerTo("still there after a crash?").equals(m.get("content"))));
  }
}
