package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.AuditRecord;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while clients start and signal workflows: after each restart, every change the server
 * made (every run that exists, every signal in a history) has its audit record, and so does every
 * call a client saw acknowledged. A record may outlive a change the crash cut off (its outcome is
 * then UNKNOWN or PENDING), never the other way round.
 */
class AuditCrashTest {
  @TempDir Path dir;

  @Test
  void noChangeWithoutItsRecordAcrossKills() throws Exception {
    var server = new SundialProcess(SundialProcess.freePort(), dir.resolve("audit.db"),
        dir.resolve("server.log"));
    Set<String> acknowledgedStarts = ConcurrentHashMap.newKeySet();
    Map<String, AtomicInteger> acknowledgedSignals = new ConcurrentHashMap<>();
    Set<String> attempted = ConcurrentHashMap.newKeySet();
    try (server) {
      for (int round = 0; round < 3; round++) {
        server.start();
        server.awaitServing(Duration.ofSeconds(60));
        ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        int r = round;
        try {
          var stub = WorkflowServiceGrpc.newBlockingStub(channel);
          for (int t = 0; t < 8; t++) {
            int thread = t;
            clients.execute(() -> {
              for (int i = 0; running.get(); i++) {
                String id = "crash-" + r + "-" + thread + "-" + i;
                attempted.add(id);
                try {
                  stub.withDeadlineAfter(5, TimeUnit.SECONDS).startWorkflowExecution(
                      StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
                          .setWorkflowId(id).setWorkflowType(WorkflowType.newBuilder().setName("T"))
                          .setTaskQueue(TaskQueue.newBuilder().setName("nobody"))
                          .setRequestId(UUID.randomUUID().toString()).build());
                  acknowledgedStarts.add(id);
                  stub.withDeadlineAfter(5, TimeUnit.SECONDS).signalWorkflowExecution(
                      SignalWorkflowExecutionRequest.newBuilder().setNamespace("default")
                          .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                          .setSignalName("s").setRequestId(UUID.randomUUID().toString()).build());
                  acknowledgedSignals.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                  acknowledged.incrementAndGet();
                } catch (StatusRuntimeException e) {
                  // Not answered (the server is settling or gone): on to the next workflow, as a
                  // client that gave up on this one.
                }
              }
            });
          }
          // Kill in the middle of the traffic: once some calls of this round were answered.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (acknowledged.get() < 40 + 30 * round) {
            assertThat(System.nanoTime()).as("calls answered in round %s", round).isLessThan(deadline);
            Thread.onSpinWait();
          }
          server.kill();
        } finally {
          running.set(false);
          clients.shutdownNow();
          clients.awaitTermination(30, TimeUnit.SECONDS);
          channel.shutdownNow();
        }
      }
      server.start();
      server.awaitServing(Duration.ofSeconds(60));
      ManagedChannel channel = ManagedChannelBuilder.forTarget(server.target()).usePlaintext().build();
      try {
        Map<String, Integer> startRecords = new HashMap<>();
        Map<String, Integer> signalRecords = new HashMap<>();
        for (AuditRecord rec : allRecords(channel)) {
          String id = rec.getTarget().replaceFirst("^workflow:", "").replaceFirst("/.*$", "");
          if (rec.getOperation().equals("StartWorkflowExecution")) startRecords.merge(id, 1, Integer::sum);
          if (rec.getOperation().equals("SignalWorkflowExecution")) signalRecords.merge(id, 1, Integer::sum);
        }
        assertThat(acknowledgedStarts).hasSizeGreaterThan(100);
        assertThat(startRecords.keySet()).containsAll(acknowledgedStarts);
        acknowledgedSignals.forEach((id, n) ->
            assertThat(signalRecords.getOrDefault(id, 0)).as(id).isGreaterThanOrEqualTo(n.get()));
        // Every change the server made, acknowledged or not, has its record.
        var stub = WorkflowServiceGrpc.newBlockingStub(channel);
        int runs = 0;
        for (String id : attempted) {
          List<EventType> events;
          try {
            events = stub.withDeadlineAfter(10, TimeUnit.SECONDS).getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(id)).build())
                .getHistory().getEventsList().stream().map(e -> e.getEventType()).toList();
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as(id).isEqualTo(Status.Code.NOT_FOUND);
            continue;
          }
          runs++;
          assertThat(startRecords.getOrDefault(id, 0)).as("start record of %s", id).isPositive();
          long signals = events.stream()
              .filter(t -> t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count();
          assertThat((long) signalRecords.getOrDefault(id, 0)).as("signal records of %s", id)
              .isGreaterThanOrEqualTo(signals);
        }
        assertThat(runs).isGreaterThanOrEqualTo(acknowledgedStarts.size());
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static List<AuditRecord> allRecords(ManagedChannel channel) {
    List<AuditRecord> all = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    do {
      var page = ClientCalls.blockingUnaryCall(channel, AdminApi.LIST_AUDIT_RECORDS,
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
          ListAuditRecordsRequest.newBuilder().setPageSize(1000).setNextPageToken(token).build());
      all.addAll(page.getRecordsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }
}
