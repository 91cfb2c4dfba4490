package dev.sundial.examples.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sundial.examples.support.Eventually;
import dev.sundial.examples.support.FakeOpenAi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The pipeline as a client uses it: its REST API on a real port, an embedded Sundial on a SQLite
 * file, the model a local fake OpenAI-compatible server.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PipelineApplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final FakeOpenAi MODEL = FakeOpenAi.start();

  @TempDir static Path data;

  @LocalServerPort int port;

  @Value("${sundial.embedded.http-port}") int sundialHttpPort;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("app.data-dir", () -> data.toString());
    r.add("sundial.ui-port", () -> 0);
    r.add("sundial.http-port", () -> 0);
    r.add("LLM_BASE_URL", MODEL::baseUrl);
    r.add("LLM_MODEL", () -> "fake-model");
  }


  // The fakes stay up until the test JVM exits: a subclass (the PostgreSQL run) shares them.

  @Test
  void aRequestGoesThroughTheThreeSteps() throws Exception {
    String id = submit("What is durable execution?", "ann");
    JsonNode done = awaitFinished(id);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("stage").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("result").asText())
        .isEqualTo(FakeOpenAi.answerTo("What is durable execution?"));
    assertThat(done.path("userId").asText()).isEqualTo("ann");
  }

  @Test
  void theModelFailingIsRetriedWithBackoff() throws Exception {
    int before = MODEL.calls();
    MODEL.failNext(2);
    String id = submit("retry me", "bob");
    JsonNode done = awaitFinished(id);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("result").asText()).isEqualTo(FakeOpenAi.answerTo("retry me"));
    assertThat(MODEL.calls() - before).isEqualTo(3); // two failures, then the answer
  }

  @Test
  void badInputIsRefusedOrFailsClearly() throws Exception {
    HttpResponse<String> missing = post("http://127.0.0.1:" + port + "/api/requests", "{\"userId\":\"x\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("data is required");
    assertThat(get("/api/requests/no-such-id").statusCode()).isEqualTo(404);

    // Too long: accepted by the REST API, refused by the workflow's validation (not retried).
    String id = submit("x".repeat(PipelineActivitiesImpl.MAX_INPUT + 1), "carol");
    JsonNode failed = awaitFinished(id);
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    assertThat(failed.path("error").asText())
        .isEqualTo("data is 8001 characters; the limit is 8000");
  }

  @Test
  void aRequestStartedThroughSundialsHttpApi() throws Exception {
    String id = "http-api-1";
    String body = "{\"workflowType\":{\"name\":\"AiRequestWorkflow\"},"
        + "\"taskQueue\":{\"name\":\"ai-pipeline\"},"
        + "\"input\":[{\"id\":\"" + id + "\",\"userId\":\"dave\",\"data\":\"started over HTTP\"}]}";
    HttpResponse<String> started = post("http://127.0.0.1:" + sundialHttpPort
        + "/api/v1/namespaces/default/workflows/" + RequestController.workflowId(id), body);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    JsonNode done = awaitFinished(id);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("result").asText()).isEqualTo(FakeOpenAi.answerTo("started over HTTP"));
  }

  private String submit(String data, String userId) throws Exception {
    HttpResponse<String> r = post("http://127.0.0.1:" + port + "/api/requests",
        JSON.createObjectNode().put("data", data).put("userId", userId).toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return JSON.readTree(r.body()).path("id").asText();
  }

  private JsonNode awaitFinished(String id) {
    JsonNode[] last = new JsonNode[1];
    Eventually.await(Duration.ofSeconds(60), "request " + id + " to finish", () -> {
      HttpResponse<String> r = get("/api/requests/" + id);
      if (r.statusCode() != 200) return false;
      last[0] = read(r.body());
      String status = last[0].path("status").asText();
      return status.equals("COMPLETED") || status.equals("FAILED");
    });
    return last[0];
  }

  private HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build());
  }

  private static HttpResponse<String> post(String url, String body) {
    return send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
