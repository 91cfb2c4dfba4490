package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.CompleteWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server with a small heap (192 MB, as -Xmx in the launcher) under a flood of 16
 * clients starting workflows with 1.9 MB inputs: it sheds what it cannot hold with RESOURCE_EXHAUSTED
 * (SYSTEM_OVERLOADED, which SDKs retry) instead of running out of memory, keeps every start it
 * acknowledged, and serves normally once the flood stops. The transport's direct buffers get
 * 512 MB: at the JVM's default (as large as this small heap) they ran out under the flood in about
 * a quarter of the runs, which closed connections with INTERNAL (a known limitation, see
 * docs/performance.md); this test is about the heap.
 */
class MemoryPressureTest {
  private static final int CLIENTS = 16;
  private static final Duration FLOOD = Duration.ofSeconds(8);

  @TempDir Path dir;

  @Test
  void aFloodOfLargeStartsIsShedAndNothingAcknowledgedIsLost() throws Exception {
    Path log = Paths.get("target", "memory-pressure", "server-" + System.currentTimeMillis() + ".log");
    try (SundialProcess server =
        new SundialProcess(SundialProcess.freePort(), dir.resolve("sundial.db"), log)
            .maxHeap("192m").maxDirectMemory("512m")) {
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      List<ManagedChannel> channels = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        channels.add(ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build());
      }
      Payloads input = Payloads.newBuilder().addPayloads(Payload.newBuilder()
          .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
          .setData(ByteString.copyFrom(new byte[1_900_000]))).build();
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger shed = new AtomicInteger();
      List<Status> unexpected = Collections.synchronizedList(new ArrayList<>());
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      long end = System.nanoTime() + FLOOD.toNanos();
      try {
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          var stub = WorkflowServiceGrpc.newBlockingStub(channels.get(c % channels.size()));
          clients.execute(() -> {
            for (int n = 0; System.nanoTime() < end; n++) {
              String id = "big-" + client + "-" + n;
              try {
                stub.withDeadlineAfter(30, TimeUnit.SECONDS).startWorkflowExecution(
                    start(id, "flood").setInput(input).build());
                acknowledged.add(id);
              } catch (StatusRuntimeException e) {
                if (isOverloaded(e)) {
                  shed.incrementAndGet();
                } else {
                  unexpected.add(e.getStatus());
                }
              }
            }
          });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(120, TimeUnit.SECONDS)).as("flood finished").isTrue();
        System.out.printf("[memory] %d starts acknowledged, %d shed, %d other errors%n",
            acknowledged.size(), shed.get(), unexpected.size());
        assertThat(server.isAlive()).as("server alive after the flood\n" + server.logTail(40)).isTrue();
        assertThat(unexpected).as("only RESOURCE_EXHAUSTED (SYSTEM_OVERLOADED) refusals").isEmpty();
        assertThat(shed.get()).as("some starts were shed").isPositive();
        assertThat(acknowledged).as("some starts were served").isNotEmpty();

        var stub = WorkflowServiceGrpc.newBlockingStub(channels.get(0));
        // Once the heap is known to be free again, the server serves everything.
        roundTrip(stub);
        for (String id : acknowledged) {
          assertThat(stub.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                  .build()).getWorkflowExecutionInfo().getStatus())
              .as(id).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        }
      } finally {
        clients.shutdownNow();
        channels.forEach(ManagedChannel::shutdownNow);
      }
    }
  }

  /** Start, poll, complete: the server serves normally (retrying while it still sheds). */
  private static void roundTrip(WorkflowServiceGrpc.WorkflowServiceBlockingStub stub) {
    CompatServer.await(Duration.ofSeconds(60), "a start once the flood is over", () -> {
      try {
        stub.startWorkflowExecution(start("after-flood", "after").build());
        return true;
      } catch (StatusRuntimeException e) {
        if (isOverloaded(e)) return false;
        throw e;
      }
    });
    var task = stub.pollWorkflowTaskQueue(PollWorkflowTaskQueueRequest.newBuilder()
        .setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName("after")).build());
    assertThat(task.getWorkflowExecution().getWorkflowId()).isEqualTo("after-flood");
    stub.respondWorkflowTaskCompleted(RespondWorkflowTaskCompletedRequest.newBuilder()
        .setNamespace("default").setTaskToken(task.getTaskToken())
        .addCommands(Command.newBuilder()
            .setCommandType(CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION)
            .setCompleteWorkflowExecutionCommandAttributes(
                CompleteWorkflowExecutionCommandAttributes.getDefaultInstance()))
        .build());
    assertThat(stub.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId("after-flood"))
            .build()).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  private static StartWorkflowExecutionRequest.Builder start(String id, String queue) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace("default").setWorkflowId(id)
        .setRequestId(id).setWorkflowType(WorkflowType.newBuilder().setName("Big"))
        .setTaskQueue(TaskQueue.newBuilder().setName(queue));
  }

  private static boolean isOverloaded(StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) return false;
    var status = StatusProto.fromThrowable(e);
    if (status == null || status.getDetailsCount() == 0) return false;
    try {
      return status.getDetails(0).unpack(ResourceExhaustedFailure.class).getCause()
          == ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_SYSTEM_OVERLOADED;
    } catch (InvalidProtocolBufferException notOurs) {
      return false;
    }
  }
}
