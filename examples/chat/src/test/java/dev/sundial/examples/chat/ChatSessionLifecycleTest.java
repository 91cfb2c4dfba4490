package dev.sundial.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.examples.support.Eventually;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A session continues as new after a few exchanges with its state (count, window, settings)
 * carried over, and archives itself when idle. The offline echo model answers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatSessionLifecycleTest {
  @TempDir static Path data;

  @Autowired ChatService chat;
  @Autowired ChatStore store;
  @Autowired WorkflowServiceStubs stubs;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry r) {
    r.add("app.data-dir", () -> data.toString());
    r.add("sundial.ui-port", () -> 0);
    r.add("sundial.http-port", () -> 0);
    r.add("chat.continue-after", () -> 2);
    r.add("chat.context-window", () -> 2);
    r.add("chat.idle-timeout", () -> "4s");
  }

  @Test
  void aSessionContinuesAsNewWithItsStateAndArchivesWhenIdle() {
    store.createSession("default", "life", "Lifecycle");
    chat.startSession("default", "life", "Lifecycle", 0);
    String firstRun = runId();
    chat.session("default", "life").configure("Renamed", 0);
    for (int i = 1; i <= 3; i++) {
      var reply = chat.send("default", "life", "m" + i, "message " + i,
          chat.session("default", "life").state().recent());
      assertThat(reply.status()).isEqualTo("ANSWERED");
      assertThat(reply.content()).contains("You said: message " + i);
    }
    Eventually.await(Duration.ofSeconds(20), "the session to count six messages",
        () -> chat.session("default", "life").state().messageCount() == 6);
    var state = chat.session("default", "life").state();
    assertThat(runId()).isNotEqualTo(firstRun); // continued as new after two exchanges
    assertThat(state.title()).isEqualTo("Renamed");
    assertThat(state.recent()).hasSize(4); // a window of two exchanges
    assertThat(state.recent().get(3).content()).contains("message 3");

    Eventually.await(Duration.ofSeconds(30), "the idle session to archive", () ->
        "ARCHIVED".equals(store.session("default", "life").orElseThrow().get("status")));
    assertThat(List.of(store.auditTrail("default").toString())).anyMatch(s -> s.contains("session.archived"));
  }

  private String runId() {
    return stubs.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(ChatSessionWorkflow.workflowId("life")))
            .build())
        .getWorkflowExecutionInfo().getExecution().getRunId();
  }
}
