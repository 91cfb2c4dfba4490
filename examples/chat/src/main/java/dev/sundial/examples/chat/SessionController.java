package dev.sundial.examples.chat;

import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowNotFoundException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Sessions and their messages, per tenant ({@code X-Tenant}, default {@code default}); who acts
 * is {@code X-User} (recorded in the audit trail).
 */
@RestController
@RequestMapping("/api/sessions")
public class SessionController {
  public record NewSession(String title, Integer contextWindow) {}

  public record NewMessage(String content) {}

  private final ChatService chat;
  private final ChatStore store;
  private final Tenants tenants;
  private final ChatMetrics metrics;
  private final StreamHub streams;
  private final ExecutorService streaming = Executors.newCachedThreadPool();

  public SessionController(ChatService chat, ChatStore store, Tenants tenants, ChatMetrics metrics,
      StreamHub streams) {
    this.chat = chat;
    this.store = store;
    this.tenants = tenants;
    this.metrics = metrics;
    this.streams = streams;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> create(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "anonymous") String user,
      @RequestBody(required = false) NewSession body) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    String id = UUID.randomUUID().toString();
    String title = body == null || body.title() == null || body.title().isBlank() ? "New chat" : body.title();
    store.createSession(tenant, id, title);
    chat.startSession(tenant, id, title, body == null || body.contextWindow() == null ? 0 : body.contextWindow());
    store.audit(tenant, user, "session.created", id);
    return ResponseEntity.status(HttpStatus.CREATED).body(store.session(tenant, id).orElseThrow());
  }

  @GetMapping
  public ResponseEntity<?> list(@RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    return ResponseEntity.ok(store.sessions(tenant));
  }

  @GetMapping("/{id}")
  public ResponseEntity<Map<String, Object>> get(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant, @PathVariable String id) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    var row = store.session(tenant, id);
    if (row.isEmpty()) return notFound(id);
    Map<String, Object> answer = new LinkedHashMap<>(row.get());
    try {
      answer.put("state", chat.session(tenant, id).state());
    } catch (WorkflowException e) {
      answer.put("state", null); // archived long ago: its workflow is gone
    }
    return ResponseEntity.ok(answer);
  }

  @PatchMapping("/{id}")
  public ResponseEntity<Map<String, Object>> configure(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "anonymous") String user,
      @PathVariable String id, @RequestBody NewSession body) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    if (store.session(tenant, id).isEmpty()) return notFound(id);
    chat.session(tenant, id).configure(body.title(), body.contextWindow() == null ? 0 : body.contextWindow());
    store.audit(tenant, user, "session.configured", id);
    return ResponseEntity.accepted().body(Map.of("id", id));
  }

  @DeleteMapping("/{id}")
  public ResponseEntity<Map<String, Object>> delete(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "anonymous") String user, @PathVariable String id) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    if (store.session(tenant, id).isEmpty()) return notFound(id);
    try {
      chat.session(tenant, id).close("deleted");
    } catch (WorkflowNotFoundException e) {
      // already closed
    }
    store.deleteSession(tenant, id);
    store.audit(tenant, user, "session.deleted", id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/messages")
  public ResponseEntity<?> messages(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant, @PathVariable String id) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    if (store.session(tenant, id).isEmpty()) return notFound(id);
    return ResponseEntity.ok(store.messages(tenant, id));
  }

  /** Sends a message; answers JSON with the reply, or streams it (Accept: text/event-stream). */
  @PostMapping(value = "/{id}/messages", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<?> send(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "anonymous") String user,
      @PathVariable String id, @RequestBody NewMessage body) {
    var check = checkSession(tenant, id);
    if (check != null) return check;
    String messageId = ChatService.newMessageId();
    store.audit(tenant, user, "message.sent", id + "/" + messageId);
    var reply = chat.send(tenant, id, messageId, body.content(), context(tenant, id));
    metrics.message(reply.status());
    return ResponseEntity.ok(reply);
  }

  @PostMapping(value = "/{id}/messages", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Object stream(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "anonymous") String user,
      @PathVariable String id, @RequestBody NewMessage body) {
    var check = checkSession(tenant, id);
    if (check != null) return check;
    String messageId = ChatService.newMessageId();
    store.audit(tenant, user, "message.sent", id + "/" + messageId);
    List<Turn> context = context(tenant, id);
    SseEmitter emitter = new SseEmitter(0L);
    streams.listen(messageId, token -> {
      try {
        emitter.send(SseEmitter.event().name("token").data(token));
      } catch (IOException e) {
        streams.stop(messageId); // the client went away; the message is answered all the same
      }
    });
    streaming.execute(() -> {
      try {
        var reply = chat.send(tenant, id, messageId, body.content(), context);
        metrics.message(reply.status());
        emitter.send(SseEmitter.event().name("reply").data(reply, MediaType.APPLICATION_JSON));
        emitter.complete();
      } catch (Exception e) {
        emitter.completeWithError(e);
      } finally {
        streams.stop(messageId);
      }
    });
    return emitter;
  }

  @PreDestroy
  void stopStreaming() {
    streaming.shutdownNow();
  }

  private ResponseEntity<Map<String, Object>> checkSession(String tenant, String id) {
    if (tenants.client(tenant) == null) return unknownTenant(tenant);
    var row = store.session(tenant, id);
    if (row.isEmpty()) return notFound(id);
    if (!"ACTIVE".equals(row.get().get("status"))) {
      return ResponseEntity.status(HttpStatus.CONFLICT)
          .body(Map.of("error", "session " + id + " is archived; start a new one"));
    }
    return null;
  }

  /** The window of recent messages the session keeps for the model. */
  private List<Turn> context(String tenant, String id) {
    return chat.session(tenant, id).state().recent();
  }

  static ResponseEntity<Map<String, Object>> unknownTenant(String tenant) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "unknown tenant " + tenant));
  }

  private static ResponseEntity<Map<String, Object>> notFound(String id) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no session " + id));
  }
}
