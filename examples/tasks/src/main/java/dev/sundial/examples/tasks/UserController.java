package dev.sundial.examples.tasks;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Users: {@code POST /api/users} starts a user's onboarding; their notifications are listed. */
@RestController
public class UserController {
  /** POST /api/users: {@code id} is the user's handle (letters, digits, '-', '_', '.'). */
  public record NewUser(String id, String name) {}

  private final WorkflowClient client;
  private final TaskStore store;
  private final TasksSettings settings;

  public UserController(WorkflowClient client, TaskStore store, TasksSettings settings) {
    this.client = client;
    this.store = store;
    this.settings = settings;
  }

  @PostMapping("/api/users")
  public ResponseEntity<Map<String, Object>> create(@RequestBody NewUser body) {
    if (body == null || body.id() == null || !body.id().matches("[A-Za-z0-9._-]{1,64}")) {
      return TaskController.error(HttpStatus.BAD_REQUEST,
          "id is required: 1 to 64 letters, digits, '.', '-' or '_'");
    }
    String name = body.name() == null || body.name().isBlank() ? body.id() : body.name().strip();
    var user = new OnboardingWorkflow.NewUser(body.id(), name, settings.onboardingTasks(),
        System.currentTimeMillis(), settings.onboardingDuration().toMillis(),
        settings.onboardingFollowUps().stream().map(Duration::toMillis).toList(),
        settings.reminderMillis());
    OnboardingWorkflow onboarding = client.newWorkflowStub(OnboardingWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(OnboardingWorkflow.workflowId(body.id()))
            .setTaskQueue(settings.taskQueue())
            .build());
    try {
      WorkflowClient.start(onboarding::onboard, user);
    } catch (io.temporal.client.WorkflowExecutionAlreadyStarted e) {
      return TaskController.error(HttpStatus.CONFLICT, "user " + body.id() + " already exists");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", body.id());
    answer.put("name", name);
    answer.put("onboardingWorkflowId", OnboardingWorkflow.workflowId(body.id()));
    return ResponseEntity.status(HttpStatus.CREATED).body(answer);
  }

  @GetMapping("/api/users/{id}")
  public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
    var user = store.user(id);
    if (user.isEmpty()) return TaskController.error(HttpStatus.NOT_FOUND, "no user " + id);
    Map<String, Object> answer = new LinkedHashMap<>(user.get());
    answer.put("onboardingProgress",
        client.newWorkflowStub(OnboardingWorkflow.class, OnboardingWorkflow.workflowId(id)).status());
    return ResponseEntity.ok(answer);
  }

  @GetMapping("/api/notifications")
  public List<Map<String, Object>> notifications(@RequestParam String user) {
    return store.notifications(user);
  }
}
