package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityClientOptions;
import io.temporal.client.ActivityHandle;
import io.temporal.client.StartActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.RetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone activities survive {@code kill -9} of the server: one waiting for a worker and one
 * between retries are still there after a restart on the same file, run when a worker comes, and
 * the handles the client took before the kill get their results.
 */
class StandaloneActivityCrashTest {
  @TempDir Path dir;
  private SundialProcess server;
  private WorkflowServiceStubs stubs;
  private WorkerFactory factory;

  @ActivityInterface
  public interface Work {
    String work(String name);
  }

  /** Fails the first attempt of "retrying", so that it waits on its retry timer over the kill. */
  public static class WorkImpl implements Work {
    @Override
    public String work(String name) {
      int attempt = Activity.getExecutionContext().getInfo().getAttempt();
      if (name.equals("retrying") && attempt == 1) {
        throw new IllegalStateException("first attempt fails");
      }
      return name + " done on attempt " + attempt;
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (factory != null) factory.shutdownNow();
    if (stubs != null) {
      stubs.shutdownNow();
      stubs.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) server.close();
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void standaloneActivitiesSurviveKillNine() throws Exception {
    Path log = Paths.get("target", "standalone-crash", "server-" + System.currentTimeMillis() + ".log");
    server = new SundialProcess(SundialProcess.freePort(), dir.resolve("sundial.db"), log);
    server.start();
    server.awaitServing(Duration.ofSeconds(60));
    stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget(server.target())
        .setConnectionBackoffResetFrequency(Duration.ofSeconds(1))
        .build());
    ActivityClient activities = ActivityClient.newInstance(
        stubs, ActivityClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build());

    // Waits for a worker: none polls "later" yet.
    ActivityHandle<String> waiting = activities.start(Work.class, Work::work,
        StartActivityOptions.newBuilder().setId("waiting").setTaskQueue("later")
            .setStartToCloseTimeout(Duration.ofSeconds(30)).build(),
        "waiting");
    // Fails its first attempt on "now", then waits 10 s for its retry (over the kill and restart).
    factory = WorkerFactory.newInstance(WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build()));
    factory.newWorker("now").registerActivitiesImplementations(new WorkImpl());
    factory.start();
    ActivityHandle<String> retrying = activities.start(Work.class, Work::work,
        StartActivityOptions.newBuilder().setId("retrying").setTaskQueue("now")
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10))
                .setBackoffCoefficient(1).build())
            .build(),
        "retrying");
    CompatServer.await(Duration.ofSeconds(30), "the first attempt to fail",
        () -> retrying.describe().getRawInfo().getAttempt() == 2);

    server.kill();
    server.start();
    server.awaitServing(Duration.ofSeconds(60));

    var w = waiting.describe().getRawInfo();
    assertThat(w.getStatus()).isEqualTo(ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING);
    assertThat(w.getRunState()).isEqualTo(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    var r = retrying.describe().getRawInfo();
    assertThat(r.getAttempt()).isEqualTo(2);
    assertThat(r.getLastFailure().getMessage()).isEqualTo("first attempt fails");

    // A worker for "later" only now (a second factory: a started one takes no new workers).
    WorkerFactory later = WorkerFactory.newInstance(WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(CompatServer.NAMESPACE).build()));
    try {
      later.newWorker("later").registerActivitiesImplementations(new WorkImpl());
      later.start();
      assertThat(waiting.getResult(60, TimeUnit.SECONDS)).isEqualTo("waiting done on attempt 1");
      assertThat(retrying.getResult(60, TimeUnit.SECONDS)).isEqualTo("retrying done on attempt 2");
    } finally {
      later.shutdownNow();
    }
  }
}
