package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The history limits hold on every path that appends events, not only when a workflow task
 * completes: signals alone (no worker) push a workflow past the event count or the byte size,
 * and it is terminated with Temporal's reason; a history larger than one message is read in pages
 * that each fit the 4 MB limit. Limits are lowered so the test runs in seconds (the defaults,
 * 51,200 events and 50 MB, are the same code path).
 */
class HistoryLimitTest {

  private static void start(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id) {
    stub.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowId(id).setRequestId(id).setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("no-worker")).build());
  }

  private static void signal(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub, String id, int bytes) {
    var req = SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).setSignalName("s");
    if (bytes > 0) {
      req.setInput(Payloads.newBuilder().addPayloads(Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
          .setData(ByteString.copyFrom(new byte[bytes]))));
    }
    stub.signalWorkflowExecution(req.build());
  }

  private static WorkflowExecutionStatus status(WorkflowServiceStubs stubs, String id) {
    return stubs.blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
            .build()).getWorkflowExecutionInfo().getStatus();
  }

  /**
   * Polls the by-warn workflow's task and fails it (so the next signal schedules another): the
   * WorkflowTaskStarted event the worker got.
   */
  private static WorkflowTaskStartedEventAttributes startedTask(
      WorkflowServiceGrpc.WorkflowServiceBlockingStub stub) {
    var task = stub.pollWorkflowTaskQueue(
        PollWorkflowTaskQueueRequest.newBuilder()
            .setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName("no-worker")).build());
    assertThat(task.getWorkflowExecution().getWorkflowId()).isEqualTo("by-warn");
    var events = task.getHistory().getEventsList();
    var started = events.get(events.size() - 1);
    assertThat(started.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    stub.respondWorkflowTaskCompleted(
        RespondWorkflowTaskCompletedRequest.newBuilder()
            .setNamespace("default").setTaskToken(task.getTaskToken()).build());
    return started.getWorkflowTaskStartedEventAttributes();
  }

  @Test
  void signalsPastTheLimitsTerminateTheWorkflowAndHistoryPagesFitAMessage() throws Exception {
    Path dir = Files.createTempDirectory("sundial-history-limit");
    try (Sundial sundial = Sundial.builder().dbFile(dir.resolve("s.db"))
        .historyLimits(100, 12L * 1024 * 1024).start()) {
      WorkflowServiceStubs stubs = sundial.newWorkflowServiceStubs();
      var stub = stubs.blockingStub();

      // Count: 2 events at start, one per signal; the signal that reaches 100 terminates it.
      start(stub, "by-count");
      int accepted = 0;
      for (int i = 0; i < 150; i++) {
        try {
          signal(stub, "by-count", 0);
          accepted++;
        } catch (StatusRuntimeException closed) {
          assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          break;
        }
      }
      assertThat(accepted).isLessThan(150);
      assertThat(status(stubs, "by-count")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      List<HistoryEvent> history = CompatServer.history(stubs, "by-count", null);
      HistoryEvent last = history.get(history.size() - 1);
      assertThat(last.getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
      assertThat(last.getWorkflowExecutionTerminatedEventAttributes().getReason())
          .isEqualTo("Workflow history size / count exceeds limit.");
      assertThat(history.size()).isLessThanOrEqualTo(101);

      // Warn limit (a fifth: 20 events): signals alone take the workflow past it; the next
      // workflow task tells the SDK to continue as new, the one before did not.
      start(stub, "by-warn");
      assertThat(startedTask(stub).getSuggestContinueAsNew()).isFalse();
      for (int i = 0; i < 20; i++) {
        signal(stub, "by-warn", 0);
      }
      var suggested = startedTask(stub);
      assertThat(suggested.getSuggestContinueAsNew()).isTrue();
      assertThat(suggested.getHistorySizeBytes()).isPositive();
      assertThat(status(stubs, "by-warn")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

      // Bytes: 1.9 MB signals until the 12 MB limit; then every page read fits 4 MB.
      start(stub, "by-size");
      for (int i = 0; i < 10 && status(stubs, "by-size")
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING; i++) {
        signal(stub, "by-size", 1_900_000);
      }
      assertThat(status(stubs, "by-size")).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED);
      var page = GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
          .setExecution(WorkflowExecution.newBuilder().setWorkflowId("by-size"));
      int pages = 0;
      int events = 0;
      do {
        var r = stub.getWorkflowExecutionHistory(page.build());
        assertThat(r.getSerializedSize()).as("page %d", pages).isLessThan(4 * 1024 * 1024);
        events += r.getHistory().getEventsCount();
        pages++;
        page.setNextPageToken(r.getNextPageToken());
      } while (!page.getNextPageToken().isEmpty());
      assertThat(pages).isGreaterThan(1);
      assertThat(events).isGreaterThan(7); // start, task scheduled, 6+ signals, terminated
    } finally {
      CompatServer.deleteRecursively(dir);
    }
  }
}
