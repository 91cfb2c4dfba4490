package dev.sundial.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sundial.examples.support.Eventually;
import dev.sundial.examples.support.FakeOpenAi;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The chat service through its REST API: an embedded Sundial on a SQLite file, the model a local
 * fake OpenAI-compatible server that can fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // the /metrics endpoint is what some tests read
class ChatApplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final FakeOpenAi MODEL = FakeOpenAi.start();
  @TempDir static Path data;

  @LocalServerPort int port;
  @Autowired ChatStore store;
  @Autowired WorkflowServiceStubs stubs;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("app.data-dir", () -> data.toString());
    r.add("sundial.ui-port", () -> 0);
    r.add("sundial.http-port", () -> 0);
    r.add("LLM_BASE_URL", MODEL::baseUrl);
    r.add("chat.tenants", () -> "default,acme");
    r.add("chat.blocked-words", () -> "forbidden");
    r.add("chat.breaker-failures", () -> 3);
    r.add("chat.breaker-open-for", () -> "2s");
    r.add("chat.recovery-every", () -> "1s");
    r.add("chat.give-up-after", () -> "6s");
  }


  // The fakes stay up until the test JVM exits: a subclass (the PostgreSQL run) shares them.

  @Test
  void aMessageIsAnsweredAndKeptInTheSession() {
    String session = createSession("default", "First chat");
    JsonNode reply = send("default", session, "What is a workflow?").body();
    assertThat(reply.path("status").asText()).isEqualTo("ANSWERED");
    assertThat(reply.path("content").asText()).isEqualTo(FakeOpenAi.answerTo("What is a workflow?"));
    JsonNode messages = get("default", "/api/sessions/" + session + "/messages").body();
    assertThat(messages).hasSize(2);
    assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
    assertThat(messages.get(1).path("content").asText()).isEqualTo(FakeOpenAi.answerTo("What is a workflow?"));
    Eventually.await(Duration.ofSeconds(20), "the session to count the exchange", () ->
        get("default", "/api/sessions/" + session).body().path("state").path("messageCount").asInt() == 2);

    // The next message sees the first in its context, and finds it related.
    JsonNode second = send("default", session, "Tell me more about that workflow").body();
    assertThat(second.path("related").toString()).contains("What is a workflow?");
    assertThat(get("default", "/api/admin/audit").body().toString())
        .contains("session.created").contains("message.sent");
  }

  @Test
  void theReplyStreamsTokenByToken() throws Exception {
    String session = createSession("default", "Streaming");
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/api/sessions/" + session + "/messages"))
            .header("Content-Type", "application/json").header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"stream this answer please\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    long tokens = r.body().lines().filter(l -> l.equals("event:token")).count();
    assertThat(tokens).as(r.body()).isGreaterThan(3);
    assertThat(r.body()).contains("event:reply").contains("\"status\":\"ANSWERED\"");
  }

  @Test
  void badInputIsRefusedAndTenantsAreApart() {
    String session = createSession("acme", "Acme chat");
    JsonNode refused = send("acme", session, "this is forbidden content").body();
    assertThat(refused.path("status").asText()).isEqualTo("REFUSED");
    assertThat(refused.path("content").asText()).isEqualTo("the message was not accepted by the content policy");
    assertThat(send("acme", session, "x".repeat(5000)).body().path("content").asText())
        .isEqualTo("the message is 5000 characters; the limit is 4000");
    // Another tenant does not see it.
    assertThat(get("default", "/api/sessions/" + session).status()).isEqualTo(404);
    assertThat(get("default", "/api/sessions").body().toString()).doesNotContain(session);
    assertThat(get("nobody", "/api/sessions").status()).isEqualTo(404);
  }

  @Test
  void aModelOutageIsRetriedThenFailsFastAndTheMessageIsAnsweredWhenItRecovers() {
    String session = createSession("default", "Outage");
    MODEL.failNext(1);
    assertThat(send("default", session, "one failure is retried").body().path("status").asText())
        .isEqualTo("ANSWERED");

    MODEL.setDown(true);
    JsonNode first = send("default", session, "are you there?").body();
    assertThat(first.path("status").asText()).isEqualTo("PENDING");
    assertThat(first.path("content").asText()).isEqualTo(ChatMessageWorkflow.UNAVAILABLE);
    int callsAfterOpen = MODEL.calls();
    JsonNode second = send("default", session, "hello?").body(); // the circuit is open: no call
    assertThat(second.path("status").asText()).isEqualTo("PENDING");
    assertThat(MODEL.calls()).isEqualTo(callsAfterOpen);
    assertThat(metrics()).contains("chat_llm_circuit_state 1.0");

    MODEL.setDown(false);
    Eventually.await(Duration.ofSeconds(30), "both saved messages to be answered", () -> {
      String messages = get("default", "/api/sessions/" + session + "/messages").body().toString();
      return messages.contains(FakeOpenAi.answerTo("are you there?"))
          && messages.contains(FakeOpenAi.answerTo("hello?"));
    });
    assertThat(metrics()).contains("chat_llm_circuit_state 0.0")
        .contains("chat_messages_total{status=\"PENDING\"}").contains("chat_llm_latency_seconds_count")
        .contains("chat_sessions_active");
  }

  @Test
  void aMessageThatIsNeverAnsweredGoesToTheDeadLetterListAndIsRetried() {
    String session = createSession("acme", "Dead letters");
    MODEL.setDown(true);
    assertThat(send("acme", session, "please answer eventually").body().path("status").asText())
        .isEqualTo("PENDING");
    Eventually.await(Duration.ofSeconds(30), "the message to be a dead letter",
        () -> get("acme", "/api/admin/dead-letters").body().size() == 1);
    JsonNode letter = get("acme", "/api/admin/dead-letters").body().get(0);
    assertThat(letter.path("content").asText()).isEqualTo("please answer eventually");
    MODEL.setDown(false);
    Eventually.await(Duration.ofSeconds(30), "the retried message to be answered", () -> {
      var r = post("acme", "/api/admin/dead-letters/" + letter.path("id").asText() + "/retry", Map.of());
      return r.status() == 404 // retried before, answered below
          || r.body().path("status").asText().equals("ANSWERED")
          || r.body().path("status").asText().equals("PENDING");
    });
    Eventually.await(Duration.ofSeconds(30), "the answer in the session", () ->
        get("acme", "/api/sessions/" + session + "/messages").body().toString()
            .contains(FakeOpenAi.answerTo("please answer eventually")));
    assertThat(get("acme", "/api/admin/dead-letters").body()).isEmpty();
  }

  @Test
  void theCleanupScheduleArchivesInactiveSessionsAndDeletesExpiredOnes() {
    String stale = createSession("default", "Stale");
    String fresh = createSession("default", "Fresh");
    store.setLastActivity("default", stale, Instant.now().minus(Duration.ofDays(2)));
    var schedule = ScheduleClient.newInstance(stubs,
        ScheduleClientOptions.newBuilder().setNamespace("default").build())
        .getHandle(CleanupWorkflow.SCHEDULE_ID);
    schedule.trigger();
    Eventually.await(Duration.ofSeconds(30), "the stale session to be archived", () ->
        get("default", "/api/sessions/" + stale).body().path("status").asText().equals("ARCHIVED"));
    assertThat(get("default", "/api/sessions/" + fresh).body().path("status").asText()).isEqualTo("ACTIVE");
    assertThat(send("default", stale, "hello").status()).isEqualTo(409);

    store.setLastActivity("default", stale, Instant.now().minus(Duration.ofDays(31)));
    schedule.trigger();
    Eventually.await(Duration.ofSeconds(30), "the expired session to be deleted",
        () -> get("default", "/api/sessions/" + stale).status() == 404);
  }

  // ------------------------------------------------------------------ helpers

  record Reply(int status, JsonNode body) {}

  private String createSession(String tenant, String title) {
    Reply r = post(tenant, "/api/sessions", Map.of("title", title));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    return r.body().path("id").asText();
  }

  private Reply send(String tenant, String session, String content) {
    return post(tenant, "/api/sessions/" + session + "/messages", Map.of("content", content));
  }

  private String metrics() {
    return call(HttpRequest.newBuilder(uri("/metrics")).GET().build(), false).body().asText();
  }

  private Reply get(String tenant, String path) {
    return call(HttpRequest.newBuilder(uri(path)).header("X-Tenant", tenant).GET().build(), true);
  }

  private Reply post(String tenant, String path, Object body) {
    try {
      return call(HttpRequest.newBuilder(uri(path)).header("X-Tenant", tenant).header("X-User", "tester")
          .header("Content-Type", "application/json").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Reply call(HttpRequest request, boolean json) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = !json ? JSON.getNodeFactory().textNode(r.body())
          : r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      return new Reply(r.statusCode(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
