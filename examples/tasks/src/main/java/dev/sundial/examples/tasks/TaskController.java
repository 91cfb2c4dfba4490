package dev.sundial.examples.tasks;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The tasks API: create (starts the lifecycle workflow), read, complete, reassign, relay. */
@RestController
@RequestMapping("/api/tasks")
public class TaskController {
  /** POST /api/tasks. {@code dueDate} is an ISO-8601 instant, e.g. 2026-12-24T17:00:00Z. */
  public record NewTask(String title, String description, String assignedTo, String dueDate,
      String createdBy) {}

  public record Completion(String by, String note) {}

  public record Reassignment(String to, String by) {}

  public record RelayRequest(String to, String by, String note) {}

  private final WorkflowClient client;
  private final TaskStore store;
  private final TasksSettings settings;

  public TaskController(WorkflowClient client, TaskStore store, TasksSettings settings) {
    this.client = client;
    this.store = store;
    this.settings = settings;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> create(@RequestBody NewTask body) {
    String missing = body == null ? "title" : body.title() == null || body.title().isBlank() ? "title"
        : body.assignedTo() == null || body.assignedTo().isBlank() ? "assignedTo"
        : body.dueDate() == null || body.dueDate().isBlank() ? "dueDate" : null;
    if (missing != null) return error(HttpStatus.BAD_REQUEST, missing + " is required");
    Instant due;
    try {
      due = Instant.parse(body.dueDate());
    } catch (DateTimeParseException e) {
      return error(HttpStatus.BAD_REQUEST,
          "dueDate must be an ISO-8601 instant such as 2026-12-24T17:00:00Z");
    }
    long now = System.currentTimeMillis();
    TaskSpec spec = new TaskSpec(UUID.randomUUID().toString(), body.title().strip(),
        body.description(), body.assignedTo().strip(),
        body.createdBy() == null || body.createdBy().isBlank() ? "api" : body.createdBy(), now,
        due.toEpochMilli(), settings.reminderMillis(), settings.lifetime().toMillis());
    store.insertTaskIfAbsent(spec);
    TaskLifecycleWorkflow workflow = client.newWorkflowStub(TaskLifecycleWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(TaskLifecycleWorkflow.workflowId(spec.id()))
            .setTaskQueue(settings.taskQueue())
            .build());
    WorkflowClient.start(workflow::run, spec);
    return ResponseEntity.status(HttpStatus.CREATED).body(view(store.task(spec.id()).orElseThrow()));
  }

  @GetMapping
  public List<Map<String, Object>> list(@RequestParam(required = false) String assignedTo) {
    var rows = assignedTo == null ? store.tasks("") : store.tasks("WHERE assigned_to = ?", assignedTo);
    return rows.stream().map(TaskController::view).toList();
  }

  @GetMapping("/{id}")
  public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
    var task = store.task(id);
    if (task.isEmpty()) return error(HttpStatus.NOT_FOUND, "no task " + id);
    Map<String, Object> answer = view(task.get());
    try {
      answer.put("progress", lifecycle(id).progress()); // live from the workflow
    } catch (WorkflowNotFoundException e) {
      answer.put("progress", null); // deleted by retention
    }
    answer.put("handoffs", store.handoffs(id));
    return ResponseEntity.ok(answer);
  }

  @PostMapping("/{id}/complete")
  public ResponseEntity<Map<String, Object>> complete(@PathVariable String id,
      @RequestBody Completion body) {
    if (store.task(id).isEmpty()) return error(HttpStatus.NOT_FOUND, "no task " + id);
    lifecycle(id).complete(body.by() == null ? "api" : body.by(), body.note());
    return ResponseEntity.accepted().body(Map.of("id", id, "signal", "complete"));
  }

  @PostMapping("/{id}/reassign")
  public ResponseEntity<Map<String, Object>> reassign(@PathVariable String id,
      @RequestBody Reassignment body) {
    if (body.to() == null || body.to().isBlank()) return error(HttpStatus.BAD_REQUEST, "to is required");
    if (store.task(id).isEmpty()) return error(HttpStatus.NOT_FOUND, "no task " + id);
    lifecycle(id).reassign(body.to().strip(), body.by());
    return ResponseEntity.accepted().body(Map.of("id", id, "signal", "reassign"));
  }

  /** Runs a relay workflow (reassign, tell both users, record the hand-off) and answers its result. */
  @PostMapping("/{id}/relay")
  public ResponseEntity<Map<String, Object>> relay(@PathVariable String id,
      @RequestBody RelayRequest body) throws Exception {
    if (body.to() == null || body.to().isBlank()) return error(HttpStatus.BAD_REQUEST, "to is required");
    if (store.task(id).isEmpty()) return error(HttpStatus.NOT_FOUND, "no task " + id);
    String relayId = "relay-" + id + "-" + UUID.randomUUID();
    RelayWorkflow relay = client.newWorkflowStub(RelayWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(relayId).setTaskQueue(settings.taskQueue()).build());
    WorkflowClient.start(relay::relay,
        new RelayWorkflow.Relay(relayId, id, body.to().strip(), body.by(), body.note()));
    RelayWorkflow.Handoff handoff = WorkflowStub.fromTyped(relay)
        .getResult(30, TimeUnit.SECONDS, RelayWorkflow.Handoff.class);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("relayId", handoff.relayId());
    answer.put("taskId", handoff.taskId());
    answer.put("from", handoff.from());
    answer.put("to", handoff.to());
    return ResponseEntity.ok(answer);
  }

  private TaskLifecycleWorkflow lifecycle(String id) {
    return client.newWorkflowStub(TaskLifecycleWorkflow.class, TaskLifecycleWorkflow.workflowId(id));
  }

  static Map<String, Object> view(TaskStore.Task t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", t.id());
    m.put("title", t.title());
    m.put("description", t.description());
    m.put("assignedTo", t.assignedTo());
    m.put("createdBy", t.createdBy());
    m.put("status", t.status());
    m.put("dueDate", t.dueAt().toString());
    m.put("createdAt", t.createdAt().toString());
    m.put("closedAt", t.closedAt() == null ? null : t.closedAt().toString());
    m.put("completedBy", t.completedBy());
    m.put("note", t.note());
    m.put("workflowId", TaskLifecycleWorkflow.workflowId(t.id()));
    return m;
  }

  static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(Map.of("error", message));
  }
}
