package dev.sundial.examples.tasks;

import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /health}: the application's database and the Temporal server it uses. */
@RestController
public class HealthController {
  private final WorkflowServiceStubs stubs;
  private final JdbcTemplate jdbc;

  public HealthController(WorkflowServiceStubs stubs, JdbcTemplate jdbc) {
    this.stubs = stubs;
    this.jdbc = jdbc;
  }

  @GetMapping("/health")
  public ResponseEntity<Map<String, Object>> health() {
    Map<String, Object> answer = new LinkedHashMap<>();
    String database = check(() -> jdbc.queryForObject("SELECT 1", Integer.class));
    String temporal = check(() -> stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS)
        .getSystemInfo(GetSystemInfoRequest.getDefaultInstance()));
    boolean up = database.equals("UP") && temporal.equals("UP");
    answer.put("status", up ? "UP" : "DOWN");
    answer.put("database", database);
    answer.put("temporal", temporal);
    answer.put("temporalTarget", stubs.getOptions().getTarget());
    return ResponseEntity.status(up ? 200 : 503).body(answer);
  }

  private static String check(Runnable probe) {
    try {
      probe.run();
      return "UP";
    } catch (RuntimeException e) {
      return "DOWN: " + e.getMessage();
    }
  }
}
