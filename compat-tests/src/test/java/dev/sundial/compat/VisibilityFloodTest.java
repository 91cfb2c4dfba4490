package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.server.Sundial;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A flood of expensive list queries (1,000 rows each, sixteen clients) does not starve workflow
 * traffic: queries over the per-namespace rate or the concurrency bound get RESOURCE_EXHAUSTED
 * with Temporal's details, and a workflow's start-to-result round trip stays fast meanwhile. The
 * bound on the round trip is deliberately loose (speed is measured in bench/, not asserted).
 */
class VisibilityFloodTest {

  @WorkflowInterface
  public interface Echo {
    @WorkflowMethod
    String echo(String s);
  }

  public static class EchoImpl implements Echo {
    @Override
    public String echo(String s) {
      return s;
    }
  }

  @Test
  void aListFloodIsShedAndWorkflowsKeepFlowing() throws Exception {
    Path dir = Files.createTempDirectory("sundial-flood");
    // Tighter than the defaults (1,000/s, burst 2,000, one per core) so that sixteen clients on a
    // two-core machine surely cross them.
    try (Sundial sundial = Sundial.builder().dbFile(dir.resolve("s.db"))
        .visibilityLimits(20, 20, 1).start()) {
      WorkflowServiceStubs stubs = sundial.newWorkflowServiceStubs();
      var blocking = stubs.blockingStub();
      for (int i = 0; i < 1000; i++) { // rows for the expensive lists
        blocking.startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setWorkflowId("row-" + i).setRequestId("row-" + i)
            .setWorkflowType(WorkflowType.newBuilder().setName("Row"))
            .setTaskQueue(TaskQueue.newBuilder().setName("nobody")).build());
      }
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      factory.newWorker("flood-q").registerWorkflowImplementationTypes(EchoImpl.class);
      factory.start();

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger served = new AtomicInteger();
      AtomicInteger shed = new AtomicInteger();
      List<String> otherErrors = Collections.synchronizedList(new ArrayList<>());
      ExecutorService flood = Executors.newFixedThreadPool(16);
      for (int t = 0; t < 16; t++) {
        flood.submit(() -> {
          while (!stop.get()) {
            try {
              blocking.listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                  .setNamespace("default").setPageSize(1000)
                  .setQuery("WorkflowType = 'Row' ORDER BY StartTime DESC").build());
              served.incrementAndGet();
            } catch (StatusRuntimeException e) {
              ResourceExhaustedCause cause = null;
              try {
                cause = StatusProto.fromThrowable(e).getDetails(0)
                    .unpack(ResourceExhaustedFailure.class).getCause();
              } catch (Exception noDetails) {
                // reported below
              }
              if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                  && (cause == ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT
                      || cause == ResourceExhaustedCause.RESOURCE_EXHAUSTED_CAUSE_CONCURRENT_LIMIT)) {
                shed.incrementAndGet();
              } else {
                otherErrors.add(e.getStatus() + " " + cause);
              }
            } catch (RuntimeException e) {
              otherErrors.add(e.toString());
            }
          }
          return null;
        });
      }
      List<Long> roundTrips = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          long t0 = System.nanoTime();
          String out = client.newWorkflowStub(Echo.class, WorkflowOptions.newBuilder()
              .setTaskQueue("flood-q").setWorkflowId("echo-" + i).build()).echo("hi " + i);
          roundTrips.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          assertThat(out).isEqualTo("hi " + i);
        }
      } finally {
        stop.set(true);
        flood.shutdown();
        flood.awaitTermination(30, TimeUnit.SECONDS);
        factory.shutdownNow();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      Collections.sort(roundTrips);
      System.out.printf("[flood] lists served %d, shed %d; workflow round trips ms: median %d, max %d%n",
          served.get(), shed.get(), roundTrips.get(roundTrips.size() / 2), roundTrips.get(roundTrips.size() - 1));
      assertThat(otherErrors).isEmpty();
      assertThat(served.get()).isPositive();
      assertThat(shed.get()).as("queries over the limits are refused").isPositive();
      assertThat(roundTrips.get(roundTrips.size() - 1)).as("slowest round trip, ms").isLessThan(5_000);
    } finally {
      CompatServer.deleteRecursively(dir);
    }
  }
}
