package dev.sundial.examples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.examples.support.Eventually;
import dev.sundial.examples.support.FakeOpenAi;
import dev.sundial.examples.support.StandaloneSundial;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pipeline on a standalone Sundial ({@code --temporal-address}) that is killed with SIGKILL
 * while a request waits to retry the model: after a restart on the same file, the request
 * completes once the model is back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PipelineCrashTest {
  private static final FakeOpenAi MODEL = FakeOpenAi.start();
  @TempDir static Path data;
  private static StandaloneSundial server;

  @Autowired RequestController requests;
  @Autowired RequestStore store;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    server = new StandaloneSundial(data).start();
    r.add("temporal-address", server::target);
    r.add("app.data-dir", () -> data.toString());
    r.add("LLM_BASE_URL", MODEL::baseUrl);
  }


  @AfterAll
  static void stop() {
    MODEL.close();
    if (server != null) server.close();
  }

  @Test
  void aRequestSurvivesKillNineOfTheServer() throws Exception {
    MODEL.setDown(true);
    var started = requests.submit(new RequestController.Submit("survive the crash", "erin"));
    String id = (String) started.getBody().get("id");
    Eventually.await(Duration.ofSeconds(30), "the model call to have failed twice",
        () -> MODEL.calls() >= 2);

    server.kill();
    server.start();
    MODEL.setDown(false);

    Eventually.await(Duration.ofSeconds(90), "the request to complete after the restart",
        () -> store.find(id).map(r -> r.status().equals("COMPLETED")).orElse(false));
    assertThat(store.find(id).orElseThrow().result()).isEqualTo(FakeOpenAi.answerTo("survive the crash"));
  }
}
