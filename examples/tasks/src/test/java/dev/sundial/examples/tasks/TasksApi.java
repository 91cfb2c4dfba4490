package dev.sundial.examples.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sundial.examples.support.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The task tracker's REST API as a test client calls it. */
final class TasksApi {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final int port;

  TasksApi(int port) {
    this.port = port;
  }

  record Reply(int status, JsonNode body) {}

  Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  Reply post(String path, Object body) {
    try {
      return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a task and answers its id. */
  String createTask(String title, String assignee, Duration dueIn) {
    Reply r = post("/api/tasks", java.util.Map.of("title", title, "assignedTo", assignee,
        "dueDate", java.time.Instant.now().plus(dueIn).toString(), "createdBy", "lead"));
    if (r.status() != 201) throw new AssertionError("create answered " + r.status() + ": " + r.body());
    return r.body().path("id").asText();
  }

  /** The kinds of the user's notifications, in order. */
  List<String> notificationKinds(String user) {
    List<String> kinds = new ArrayList<>();
    get("/api/notifications?user=" + user).body().forEach(n -> kinds.add(n.path("kind").asText()));
    return kinds;
  }

  void awaitNotification(String user, String kind) {
    Eventually.await(Duration.ofSeconds(30), user + " to get a " + kind + " notification",
        () -> notificationKinds(user).contains(kind));
  }

  void awaitTaskStatus(String id, String status) {
    Eventually.await(Duration.ofSeconds(30), "task " + id + " to be " + status,
        () -> get("/api/tasks/" + id).body().path("status").asText().equals(status));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
