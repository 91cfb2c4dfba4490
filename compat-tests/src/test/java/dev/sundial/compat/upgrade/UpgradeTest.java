package dev.sundial.compat.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.compat.CompatServer;
import dev.sundial.server.Sundial;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Databases written by earlier code open with this code and their workflows run to completion:
 * each fixture under {@code src/test/resources/upgrade} (named after the commit that wrote it)
 * holds one completed run, two parked on a signal (behind a ten-year timer; one with signals
 * already received) and one whose first workflow task was never picked up.
 *
 * <p>A new fixture, made by the code of the day (run once, by hand):
 * <pre>
 * cd compat-tests && mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:$(cat /tmp/cp.txt) dev.sundial.compat.upgrade.UpgradeFixtureGenerator \
 *     src/test/resources/upgrade/sundial-$(git rev-parse --short HEAD).db
 * </pre>
 */
class UpgradeTest {
  @TempDir Path dir;

  static Stream<Path> fixtures() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src", "test", "resources", "upgrade"))) {
      return files.filter(f -> f.toString().endsWith(".db")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void workflowsStoredByEarlierCodeRunToCompletion(Path fixture) throws Exception {
    Path db = dir.resolve("sundial.db");
    Files.copy(fixture, db);
    try (Sundial sundial = Sundial.builder().dbFile(db).start()) {
      var stubs = sundial.newWorkflowServiceStubs();
      WorkflowClient client = WorkflowClient.newInstance(stubs,
          WorkflowClientOptions.newBuilder().setNamespace("default").build());
      WorkerFactory factory = UpgradeWorkflows.startWorker(client);
      try {
        assertThat(result(client, "order-1"))
            .containsExactly("did reserve order-1", "child order-1", "did ship order-1");

        var order2 = UpgradeFixtureGenerator.existing(client, "order-2");
        assertThat(order2.items()).containsExactly("apple", "pear");
        order2.finish();
        assertThat(result(client, "order-2"))
            .containsExactly("did reserve order-2", "child order-2", "apple", "pear", "did ship order-2");

        var order3 = UpgradeFixtureGenerator.existing(client, "order-3");
        order3.add("banana");
        order3.finish();
        assertThat(result(client, "order-3"))
            .containsExactly("did reserve order-3", "child order-3", "banana", "did ship order-3");

        // order-4's first task waited in the backlog; it runs up to its wait, then finishes.
        CompatServer.await(Duration.ofSeconds(30), "order-4 to reach its wait",
            () -> CompatServer.history(stubs, "order-4", null).stream()
                .anyMatch(e -> e.hasTimerStartedEventAttributes()));
        UpgradeFixtureGenerator.existing(client, "order-4").finish();
        assertThat(result(client, "order-4"))
            .containsExactly("did reserve order-4", "child order-4", "did ship order-4");

        // The schedule kept its spec, state and memo, and still starts its workflow.
        ScheduleHandle schedule =
            ScheduleClient.newInstance(stubs, ScheduleClientOptions.newBuilder().setNamespace("default").build())
                .getHandle(UpgradeFixtureGenerator.SCHEDULE_ID);
        ScheduleDescription described = schedule.describe();
        assertThat(described.getSchedule().getState().isPaused()).isTrue();
        assertThat(described.getSchedule().getState().getNote())
            .isEqualTo(UpgradeFixtureGenerator.SCHEDULE_NOTE);
        assertThat(described.getSchedule().getSpec().getIntervals())
            .extracting(ScheduleIntervalSpec::getEvery).containsExactly(Duration.ofHours(1));
        assertThat(described.getMemo("origin", String.class)).isEqualTo("fixture");
        schedule.trigger();
        CompatServer.await(Duration.ofSeconds(30), "the triggered run",
            () -> !schedule.describe().getInfo().getRecentActions().isEmpty());
        String scheduledId =
            ((ScheduleActionExecutionStartWorkflow)
                    schedule.describe().getInfo().getRecentActions().get(0).getAction())
                .getWorkflowId();
        assertThat(client.newUntypedWorkflowStub(scheduledId).getResult(30, TimeUnit.SECONDS, String.class))
            .isEqualTo("child scheduled");

        // The batch operation is still known, finished.
        var batch = stubs.blockingStub().describeBatchOperation(DescribeBatchOperationRequest.newBuilder()
            .setNamespace("default").setJobId(UpgradeFixtureGenerator.BATCH_ID).build());
        assertThat(batch.getState()).isEqualTo(BatchOperationState.BATCH_OPERATION_STATE_COMPLETED);
        assertThat(batch.getReason()).isEqualTo(UpgradeFixtureGenerator.BATCH_REASON);
        assertThat(batch.getTotalOperationCount()).isZero();
      } finally {
        factory.shutdownNow();
        stubs.shutdownNow();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> result(WorkflowClient client, String id) throws Exception {
    return client.newUntypedWorkflowStub(id).getResult(30, TimeUnit.SECONDS, List.class);
  }
}
