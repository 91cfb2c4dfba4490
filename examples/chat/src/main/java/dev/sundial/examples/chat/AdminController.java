package dev.sundial.examples.chat;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The admin endpoints: the dead-letter list (retry or discard) and the audit trail. */
@RestController
@RequestMapping("/api/admin")
public class AdminController {
  private final ChatStore store;
  private final ChatService chat;
  private final Tenants tenants;
  private final ChatMetrics metrics;

  public AdminController(ChatStore store, ChatService chat, Tenants tenants, ChatMetrics metrics) {
    this.store = store;
    this.chat = chat;
    this.tenants = tenants;
    this.metrics = metrics;
  }

  @GetMapping("/dead-letters")
  public ResponseEntity<?> deadLetters(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant) {
    if (tenants.client(tenant) == null) return SessionController.unknownTenant(tenant);
    return ResponseEntity.ok(store.deadLetters(tenant));
  }

  /** Sends the message again (a new message of its session); answers its reply. */
  @PostMapping("/dead-letters/{id}/retry")
  public ResponseEntity<?> retry(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "admin") String user, @PathVariable String id) {
    if (tenants.client(tenant) == null) return SessionController.unknownTenant(tenant);
    var letter = store.deadLetter(tenant, id);
    if (letter.isEmpty()) return notFound(id);
    String sessionId = (String) letter.get().get("sessionId");
    store.removeDeadLetter(tenant, id);
    store.audit(tenant, user, "dead-letter.retried", id);
    var reply = chat.send(tenant, sessionId, ChatService.newMessageId(),
        (String) letter.get().get("content"), java.util.List.of());
    metrics.message(reply.status());
    return ResponseEntity.ok(reply);
  }

  @DeleteMapping("/dead-letters/{id}")
  public ResponseEntity<?> discard(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant,
      @RequestHeader(value = "X-User", defaultValue = "admin") String user, @PathVariable String id) {
    if (tenants.client(tenant) == null) return SessionController.unknownTenant(tenant);
    if (store.deadLetter(tenant, id).isEmpty()) return notFound(id);
    store.removeDeadLetter(tenant, id);
    store.audit(tenant, user, "dead-letter.discarded", id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/audit")
  public ResponseEntity<?> audit(
      @RequestHeader(value = "X-Tenant", defaultValue = "default") String tenant) {
    if (tenants.client(tenant) == null) return SessionController.unknownTenant(tenant);
    return ResponseEntity.ok(store.auditTrail(tenant));
  }

  private static ResponseEntity<Map<String, Object>> notFound(String id) {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no dead letter " + id));
  }
}
