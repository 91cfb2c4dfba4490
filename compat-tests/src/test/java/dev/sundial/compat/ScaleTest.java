package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A long sequential workflow and many concurrent ones. */
class ScaleTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(20)).build();

  static final AtomicInteger EXECUTIONS = new AtomicInteger();

  @ActivityInterface
  public interface Numbers {
    int identity(int x);
  }

  public static class NumbersImpl implements Numbers {
    @Override
    public int identity(int x) {
      EXECUTIONS.incrementAndGet();
      return x;
    }
  }

  @WorkflowInterface
  public interface SumWorkflow {
    /** Sums identity(i) for i in 1..n, one activity after the other. */
    @WorkflowMethod
    long run(int n);
  }

  public static class SumWorkflowImpl implements SumWorkflow {
    private final Numbers numbers = Workflow.newActivityStub(Numbers.class, OPTIONS);

    @Override
    public long run(int n) {
      long sum = 0;
      for (int i = 1; i <= n; i++) {
        sum += numbers.identity(i);
      }
      return sum;
    }
  }

  @WorkflowInterface
  public interface PairWorkflow {
    /** identity(x) + identity(2x). */
    @WorkflowMethod
    int run(int x);
  }

  public static class PairWorkflowImpl implements PairWorkflow {
    private final Numbers numbers = Workflow.newActivityStub(Numbers.class, OPTIONS);

    @Override
    public int run(int x) {
      return numbers.identity(x) + numbers.identity(2 * x);
    }
  }

  @Test
  void thousandSequentialActivities() throws Exception {
    sundial.worker().registerWorkflowImplementationTypes(SumWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new NumbersImpl());
    sundial.startWorkers();
    EXECUTIONS.set(0);

    int n = 1000;
    String id = sundial.newWorkflowId("thousand");
    SumWorkflow wf = sundial.newWorkflowStub(SumWorkflow.class, id);
    long start = System.nanoTime();
    WorkflowClient.start(wf::run, n);
    long sum = WorkflowStub.fromTyped(wf).getResult(120, TimeUnit.SECONDS, Long.class);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("[compat] %d sequential activities took %d ms%n", n, millis);

    assertThat(sum).isEqualTo((long) n * (n + 1) / 2);
    assertThat(EXECUTIONS.get()).isGreaterThanOrEqualTo(n);
    var info = sundial.describe(id, null).getWorkflowExecutionInfo();
    assertThat(info.getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    // 1 start + 6 events per activity + final workflow task (3) + completion.
    assertThat(info.getHistoryLength()).isEqualTo(1 + 6L * n + 4);
  }

  @Test
  void twoHundredConcurrentWorkflows() {
    sundial.worker().registerWorkflowImplementationTypes(PairWorkflowImpl.class);
    sundial.worker().registerActivitiesImplementations(new NumbersImpl());
    sundial.startWorkers();

    int count = 200;
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String id = sundial.newWorkflowId("concurrent-" + i);
      PairWorkflow wf = sundial.newWorkflowStub(PairWorkflow.class, id);
      WorkflowClient.start(wf::run, i);
      ids.add(id);
    }
    for (int i = 0; i < count; i++) {
      results.add(
          sundial
              .client()
              .newUntypedWorkflowStub(ids.get(i))
              .getResultAsync(120, TimeUnit.SECONDS, Integer.class));
    }
    CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).join();
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("[compat] %d concurrent workflows took %d ms%n", count, millis);

    for (int i = 0; i < count; i++) {
      assertThat(results.get(i).join()).as("result of workflow %d", i).isEqualTo(3 * i);
    }
    for (String id : ids) {
      assertThat(sundial.describe(id, null).getWorkflowExecutionInfo().getStatus())
          .as("status of %s", id)
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    }
  }
}
