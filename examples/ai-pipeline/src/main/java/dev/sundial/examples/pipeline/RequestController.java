package dev.sundial.examples.pipeline;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/requests} starts a request's workflow; {@code GET /api/requests/{id}} reads it. */
@RestController
@RequestMapping("/api/requests")
public class RequestController {
  /** The request body of POST /api/requests. */
  public record Submit(String data, String userId) {}

  private final WorkflowClient client;
  private final RequestStore store;
  private final String taskQueue;

  public RequestController(WorkflowClient client, RequestStore store,
      @Value("${pipeline.task-queue}") String taskQueue) {
    this.client = client;
    this.store = store;
    this.taskQueue = taskQueue;
  }

  static String workflowId(String requestId) {
    return "ai-request-" + requestId;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> submit(@RequestBody Submit body) {
    if (body == null || body.data() == null || body.data().isBlank()) {
      return ResponseEntity.badRequest().body(Map.of("error", "data is required"));
    }
    if (body.userId() == null || body.userId().isBlank()) {
      return ResponseEntity.badRequest().body(Map.of("error", "userId is required"));
    }
    AiRequest request = new AiRequest(UUID.randomUUID().toString(), body.userId(), body.data());
    store.insertIfAbsent(request);
    AiRequestWorkflow workflow = client.newWorkflowStub(AiRequestWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId(request.id()))
            .setTaskQueue(taskQueue)
            .build());
    WorkflowClient.start(workflow::process, request);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", request.id());
    answer.put("status", "RECEIVED");
    answer.put("workflowId", workflowId(request.id()));
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
  }

  @GetMapping("/{id}")
  public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
    var row = store.find(id);
    if (row.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no request " + id));
    }
    var r = row.get();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", r.id());
    answer.put("userId", r.userId());
    answer.put("data", r.data());
    answer.put("status", r.status());
    String stage = r.status();
    if (!r.status().equals("COMPLETED") && !r.status().equals("FAILED")) {
      // Still running: its workflow says which step it is at.
      stage = WorkflowStub.fromTyped(client.newWorkflowStub(AiRequestWorkflow.class, workflowId(id)))
          .query("status", RequestStatus.class).stage();
    }
    answer.put("stage", stage);
    answer.put("result", r.result());
    answer.put("error", r.error());
    answer.put("createdAt", r.createdAt().toString());
    answer.put("updatedAt", r.updatedAt().toString());
    return ResponseEntity.ok(answer);
  }
}
