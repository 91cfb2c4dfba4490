package dev.sundial.examples.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.examples.support.StandaloneSundial;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The task tracker on a standalone Sundial that is killed with SIGKILL while a task waits for its
 * reminder: after a restart on the same file, the reminder and the overdue alert still come, and
 * the task can be completed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TasksCrashTest {
  @TempDir static Path data;
  private static StandaloneSundial server;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    server = new StandaloneSundial(data).start();
    r.add("temporal-address", server::target);
    r.add("app.data-dir", () -> data.toString());
    // The reminder 12 s before a due time 20 s away: before it, however long the restart takes.
    r.add("tasks.reminders", () -> "12s");
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void remindersAndTheOverdueAlertSurviveKillNine() throws Exception {
    TasksApi api = new TasksApi(port);
    String id = api.createTask("Survive the crash", "hal", Duration.ofSeconds(20));
    api.awaitNotification("hal", "ASSIGNED");

    server.kill();
    server.start();

    api.awaitNotification("hal", "REMINDER");
    api.awaitNotification("hal", "OVERDUE");
    api.post("/api/tasks/" + id + "/complete", java.util.Map.of("by", "hal"));
    api.awaitTaskStatus(id, "COMPLETED");
    assertThat(api.notificationKinds("hal")).containsExactly("ASSIGNED", "REMINDER", "OVERDUE");
  }
}
