package dev.sundial.cli.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness.Run;
import dev.sundial.cli.CliHarness;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** activity complete/fail, batch describe/list, task-queue describe/list-partition, search attributes. */
class MoreCommandsTest {
  private static CliHarness h;

  @BeforeAll
  static void start() {
    h = new CliHarness();
    var worker = h.workers.newWorker("approvals");
    worker.registerWorkflowImplementationTypes(ApprovalWorkflows.NeedsApprovalImpl.class);
    worker.registerActivitiesImplementations(new ApprovalWorkflows.ApprovalImpl());
    h.workers.start();
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  private static DescribeWorkflowExecutionResponse describe(String id) {
    return h.stubs.blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setExecution(
                WorkflowExecution.newBuilder().setWorkflowId(id)).build());
  }

  /** Starts the workflow; the id of its pending activity once the worker has it. */
  private static String startApproval(String id) {
    var stub = h.client.newWorkflowStub(ApprovalWorkflows.NeedsApproval.class,
        WorkflowOptions.newBuilder().setTaskQueue("approvals").setWorkflowId(id).build());
    WorkflowClient.start(stub::run, "invoice");
    CliHarness.await("the activity to be started", () -> describe(id).getPendingActivitiesList().stream()
        .anyMatch(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED));
    return describe(id).getPendingActivities(0).getActivityId();
  }

  @Test
  void activityCompleteAndFailFinishAPendingActivity() {
    String first = startApproval("approval-1");
    Run complete = h.cli("activity", "complete", "-w", "approval-1", "-a", first, "--result", "\"yes\"");
    assertThat(complete.code()).as(complete.err()).isZero();
    assertThat(h.client.newUntypedWorkflowStub("approval-1").getResult(String.class)).isEqualTo("approved: yes");

    String second = startApproval("approval-2");
    Run fail = h.cli("activity", "fail", "-w", "approval-2", "-a", second, "--reason", "not this one");
    assertThat(fail.code()).as(fail.err()).isZero();
    assertThat(h.client.newUntypedWorkflowStub("approval-2").getResult(String.class))
        .startsWith("refused: message='not this one'").contains("nonRetryable=true");

    Run badResult = h.cli("activity", "complete", "-w", "approval-2", "-a", "approve", "--result", "yes");
    assertThat(badResult.code()).isEqualTo(2);
    assertThat(badResult.err()).contains("--result must be JSON");
  }

  @Test
  void batchJobsCanBeListedAndDescribed() {
    for (int i = 1; i <= 2; i++) {
      assertThat(h.cli("workflow", "start", "--type", "Batched", "-t", "nobody", "-w", "batched-" + i).code()).isZero();
    }
    Run started = h.cli("workflow", "cancel", "--query", "WorkflowType='Batched'", "--yes", "-o", "json");
    assertThat(started.code()).as(started.err()).isZero();
    String jobId = JsonParser.parseString(started.out()).getAsJsonObject().get("batchJobId").getAsString();
    CliHarness.await("the batch job to finish", () -> h.cli("batch", "describe", "--job-id", jobId).out().contains("Completed"));
    Run describe = h.cli("batch", "describe", "--job-id", jobId, "-o", "json");
    assertThat(JsonParser.parseString(describe.out()).getAsJsonObject().get("totalOperationCount").getAsString())
        .isEqualTo("2");
    assertThat(h.cli("batch", "list").out()).contains(jobId);

    // Signal by query: every matching workflow gets it.
    for (int i = 1; i <= 2; i++) {
      assertThat(h.cli("workflow", "start", "--type", "Signalled", "-t", "nobody", "-w", "sig-" + i).code()).isZero();
    }
    Run signal = h.cli("workflow", "signal", "--query", "WorkflowType='Signalled'", "--name", "poke",
        "-i", "{\"n\": 1}", "--yes");
    assertThat(signal.code()).as(signal.err()).isZero();
    for (int i = 1; i <= 2; i++) {
      String id = "sig-" + i;
      CliHarness.await(id + " signalled", () -> h.cli("workflow", "show", "-w", id).out()
          .contains("WorkflowExecutionSignaled"));
    }
  }

  @Test
  void taskQueueDescribeShowsThePollers() {
    // The SDK's worker identity is pid@host.
    CliHarness.await("the worker to poll", () -> h.cli("task-queue", "describe", "-t", "approvals",
        "--task-queue-type", "workflow").out().contains("@"));
    Run r = h.cli("task-queue", "describe", "-t", "approvals");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Workflow").contains("Activity").contains("@");
    Run partitions = h.cli("task-queue", "list-partition", "-t", "approvals");
    assertThat(partitions.code()).as(partitions.err()).isZero();
    Run badType = h.cli("task-queue", "describe", "-t", "approvals", "--task-queue-type", "nexus-ish");
    assertThat(badType.code()).isEqualTo(2);
  }

  @Test
  void searchAttributesCanBeCreatedListedAndRemoved() {
    Run create = h.cli("operator", "search-attribute", "create", "--name", "CustomerId", "--type", "Keyword",
        "--name", "Amount", "--type", "Double");
    assertThat(create.code()).as(create.err()).isZero();
    Run list = h.cli("operator", "search-attribute", "list");
    assertThat(list.out()).contains("CustomerId").contains("Keyword").contains("Amount").contains("Double")
        .contains("WorkflowType");
    assertThat(h.cli("workflow", "start", "--type", "Sa", "-t", "nobody", "-w", "sa-1",
        "--search-attribute", "CustomerId=\"c-42\"").code()).isZero();
    Run found = h.cli("workflow", "list", "--query", "CustomerId = 'c-42'", "-o", "json");
    assertThat(JsonParser.parseString(found.out()).getAsJsonArray()).hasSize(1);
    Run remove = h.cli("operator", "search-attribute", "remove", "--name", "Amount", "--yes");
    assertThat(remove.code()).as(remove.err()).isZero();
    assertThat(h.cli("operator", "search-attribute", "list").out()).doesNotContain("Amount");
    Run mismatched = h.cli("operator", "search-attribute", "create", "--name", "A", "--name", "B", "--type", "Int");
    assertThat(mismatched.code()).isEqualTo(2);
  }
}
