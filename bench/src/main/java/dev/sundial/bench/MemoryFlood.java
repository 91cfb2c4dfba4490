package dev.sundial.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a flood costs a standalone server in memory: starts N workflows with a 4 KB memo, then
 * CLIENTS clients list 1,000 rows at a time (ORDER BY) for SECONDS, while the server's resident
 * set is sampled from /proc. Prints queries served and shed, and the peak RSS (VmHWM).
 * Usage: MemoryFlood host:port serverPid [workflows=2000] [clients=20] [seconds=60]
 */
public final class MemoryFlood {
  public static void main(String[] args) throws Exception {
    String target = args[0];
    String pid = args[1];
    int workflows = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int clients = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    var stub = WorkflowServiceGrpc.newBlockingStub(channel);
    Memo memo = Memo.newBuilder().putFields("note", Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
        .setData(ByteString.copyFrom(new byte[4096])).build()).build();
    for (int i = 0; i < workflows; i++) {
      stub.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder().setNamespace("default")
          .setWorkflowId("flood-" + i).setRequestId("flood-" + i).setMemo(memo)
          .setWorkflowType(WorkflowType.newBuilder().setName("Flood"))
          .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build());
    }
    System.out.printf("started %d workflows; RSS %d MB%n", workflows, rssMb(pid, "VmRSS"));
    AtomicLong served = new AtomicLong();
    AtomicLong shed = new AtomicLong();
    AtomicLong peakSampled = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (int c = 0; c < clients; c++) {
      pool.execute(() -> {
        while (System.nanoTime() < end) {
          try {
            stub.listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                .setNamespace("default").setPageSize(1000)
                .setQuery("WorkflowType = 'Flood' ORDER BY StartTime DESC").build());
            served.incrementAndGet();
          } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) throw e;
            shed.incrementAndGet();
          }
        }
      });
    }
    while (System.nanoTime() < end) {
      peakSampled.accumulateAndGet(rssMb(pid, "VmRSS"), Math::max);
      Thread.sleep(200);
    }
    pool.shutdown();
    pool.awaitTermination(60, TimeUnit.SECONDS);
    System.out.printf("%d clients x %d s: %d list queries served, %d shed; RSS now %d MB, peak"
            + " sampled %d MB, VmHWM %d MB%n", clients, seconds, served.get(), shed.get(),
        rssMb(pid, "VmRSS"), peakSampled.get(), rssMb(pid, "VmHWM"));
    channel.shutdownNow();
  }

  private static long rssMb(String pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
