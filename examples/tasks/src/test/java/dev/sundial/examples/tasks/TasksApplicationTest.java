package dev.sundial.examples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sundial.examples.support.Eventually;
import io.temporal.client.schedules.ScheduleClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The task tracker through its REST API, on an embedded Sundial with a SQLite file; reminders,
 * onboarding and follow-ups are seconds apart instead of hours and days.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TasksApplicationTest {
  @TempDir static Path data;
  private static final Webhook WEBHOOK = new Webhook();

  @LocalServerPort int port;
  @Autowired ScheduleClient schedules;
  @Autowired TaskStore store;
  private TasksApi api;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("app.data-dir", () -> data.toString());
    r.add("sundial.ui-port", () -> 0);
    r.add("sundial.http-port", () -> 0);
    r.add("tasks.reminders", () -> "3s");
    r.add("tasks.onboarding-duration", () -> "8s");
    r.add("tasks.onboarding-follow-ups", () -> "2s");
    r.add("tasks.onboarding-tasks", () -> "Set up,Read handbook");
    r.add("tasks.cleanup-retention", () -> "1h");
    r.add("tasks.webhook-url", WEBHOOK::url);
  }

  @BeforeEach
  void client() {
    api = new TasksApi(port);
  }

  // The fakes stay up until the test JVM exits: a subclass (the PostgreSQL run) shares them.

  @Test
  void aTaskIsRemindedGoesOverdueAndIsCompleted() {
    String id = api.createTask("Write the report", "alice", Duration.ofSeconds(6));
    api.awaitNotification("alice", "REMINDER"); // 3 s before the due time
    api.awaitNotification("alice", "OVERDUE");
    api.awaitTaskStatus(id, "OVERDUE");
    assertThat(api.notificationKinds("alice")).containsSubsequence("ASSIGNED", "REMINDER", "OVERDUE");

    assertThat(api.post("/api/tasks/" + id + "/complete", Map.of("by", "alice", "note", "late but done"))
        .status()).isEqualTo(202);
    api.awaitTaskStatus(id, "COMPLETED");
    var task = api.get("/api/tasks/" + id).body();
    assertThat(task.path("completedBy").asText()).isEqualTo("alice");
    assertThat(task.path("progress").path("remindersSent").asInt()).isEqualTo(1);
    assertThat(task.path("progress").path("overdue").asBoolean()).isTrue();
    api.awaitNotification("lead", "COMPLETED"); // the task's creator hears of it
  }

  @Test
  void reassignAndRelayMoveATask() {
    String id = api.createTask("Review the budget", "carol", Duration.ofHours(1));
    api.awaitNotification("carol", "ASSIGNED");
    assertThat(api.post("/api/tasks/" + id + "/reassign", Map.of("to", "dan", "by", "lead")).status())
        .isEqualTo(202);
    api.awaitNotification("dan", "ASSIGNED");
    Eventually.await(Duration.ofSeconds(30), "the task to be dan's",
        () -> api.get("/api/tasks/" + id).body().path("assignedTo").asText().equals("dan"));

    var relay = api.post("/api/tasks/" + id + "/relay",
        Map.of("to", "erin", "by", "dan", "note", "you know the numbers"));
    assertThat(relay.status()).isEqualTo(200);
    assertThat(relay.body().path("from").asText()).isEqualTo("dan");
    assertThat(relay.body().path("to").asText()).isEqualTo("erin");
    api.awaitNotification("erin", "HANDOFF");
    api.awaitNotification("dan", "HANDOFF");
    Eventually.await(Duration.ofSeconds(30), "the task to be erin's", () -> {
      var t = api.get("/api/tasks/" + id).body();
      return t.path("assignedTo").asText().equals("erin")
          && t.path("handoffs").size() == 1
          && t.path("progress").path("assignees").toString().equals("[\"carol\",\"dan\",\"erin\"]");
    });
  }

  @Test
  void onboardingWelcomesFollowsUpAndCompletes() {
    var created = api.post("/api/users", Map.of("id", "newbie", "name", "New Person"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(api.post("/api/users", Map.of("id", "newbie")).status()).isEqualTo(409);
    api.awaitNotification("newbie", "WELCOME");
    Eventually.await(Duration.ofSeconds(30), "both onboarding tasks",
        () -> store.task("newbie-onboarding-1").isPresent() && store.task("newbie-onboarding-2").isPresent());
    api.post("/api/tasks/newbie-onboarding-1/complete", Map.of("by", "newbie"));
    api.awaitNotification("newbie", "FOLLOW_UP"); // 2 s in, one task still open
    api.post("/api/tasks/newbie-onboarding-2/complete", Map.of("by", "newbie"));
    api.awaitNotification("newbie", "ONBOARDING_DONE");
    var user = api.get("/api/users/newbie").body();
    assertThat(user.path("onboarding").asText()).isEqualTo("COMPLETED");
    assertThat(user.path("onboardingProgress").path("tasksDone").asInt()).isEqualTo(2);
    assertThat(user.path("onboardingProgress").path("followUpsSent").asInt()).isEqualTo(1);
  }

  @Test
  void theCleanupScheduleDeletesOldClosedTasks() {
    String old = api.createTask("Old chore", "frank", Duration.ofHours(1));
    String recent = api.createTask("Recent chore", "frank", Duration.ofHours(1));
    api.post("/api/tasks/" + old + "/complete", Map.of("by", "frank"));
    api.post("/api/tasks/" + recent + "/complete", Map.of("by", "frank"));
    api.awaitTaskStatus(old, "COMPLETED");
    api.awaitTaskStatus(recent, "COMPLETED");
    store.setClosedAt(old, Instant.now().minus(Duration.ofHours(2))); // past the 1 h retention

    var handle = schedules.getHandle(CleanupWorkflow.SCHEDULE_ID);
    assertThat(handle.describe().getSchedule().getSpec().getIntervals()).hasSize(1);
    handle.trigger();
    Eventually.await(Duration.ofSeconds(30), "the cleanup to delete the old task",
        () -> store.task(old).isEmpty());
    assertThat(store.task(recent)).isPresent();
    Eventually.await(Duration.ofSeconds(30), "the cleanup run to be recorded",
        () -> store.cleanupRuns().stream().anyMatch(r -> ((Number) r.get("deleted")).intValue() >= 1));
  }

  @Test
  void aWebhookThatFailsIsRetriedUntilItTakesTheNotification() {
    String user = "gina-" + java.util.UUID.randomUUID(); // the webhook is shared by subclasses
    WEBHOOK.failFor(user, 2);
    api.createTask("Flaky delivery", user, Duration.ofHours(1));
    api.awaitNotification(user, "ASSIGNED");
    assertThat(WEBHOOK.attempts(user)).isEqualTo(3); // two failures, then delivered
    assertThat(WEBHOOK.delivered(user)).isEqualTo(1);
  }

  @Test
  void badInputAndHealth() {
    var missing = api.post("/api/tasks", Map.of("title", "No one", "dueDate", "2030-01-01T00:00:00Z"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().path("error").asText()).isEqualTo("assignedTo is required");
    var badDate = api.post("/api/tasks", Map.of("title", "x", "assignedTo", "y", "dueDate", "tomorrow"));
    assertThat(badDate.status()).isEqualTo(400);
    assertThat(badDate.body().path("error").asText()).contains("ISO-8601");
    assertThat(api.get("/api/tasks/nope").status()).isEqualTo(404);
    assertThat(api.post("/api/users", Map.of("id", "bad id!")).status()).isEqualTo(400);

    var health = api.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("status").asText()).isEqualTo("UP");
    assertThat(health.body().path("temporal").asText()).isEqualTo("UP");
  }

  /** A webhook receiver that can fail a user's first deliveries. */
  static final class Webhook implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

    Webhook() {
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      server.createContext("/notify", exchange -> {
        try (exchange) {
          var n = TasksApi.JSON.readTree(new String(exchange.getRequestBody().readAllBytes(),
              StandardCharsets.UTF_8));
          String user = n.path("user").asText();
          attempts.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
          AtomicInteger left = failures.get(user);
          if (left != null && left.getAndDecrement() > 0) {
            exchange.sendResponseHeaders(502, -1);
            return;
          }
          delivered.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
        }
      });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/notify";
    }

    void failFor(String user, int times) {
      failures.put(user, new AtomicInteger(times));
    }

    int attempts(String user) {
      return attempts.getOrDefault(user, new AtomicInteger()).get();
    }

    int delivered(String user) {
      return delivered.getOrDefault(user, new AtomicInteger()).get();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
