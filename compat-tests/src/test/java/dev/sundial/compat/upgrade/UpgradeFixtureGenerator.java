package dev.sundial.compat.upgrade;

import dev.sundial.server.Sundial;
import io.temporal.api.batch.v1.BatchOperationSignal;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes the upgrade fixture: a SQLite database made by the code of the day, for the upgrade
 * test to open with later code. Run once, by hand, when a fixture is to be added (see
 * UpgradeTest for the command), with the target file as the argument. Leaves: order-1 completed; order-2 and order-3 waiting for their finish signal
 * (order-2 with two items added); order-4 started with no worker (its first task pending); a
 * paused hourly schedule that starts UpgradeChild; a signal batch operation that matched nothing.
 */
public final class UpgradeFixtureGenerator {
  static final String SCHEDULE_ID = "upgrade-schedule";
  static final String SCHEDULE_NOTE = "made by the fixture";
  static final String BATCH_ID = "upgrade-batch";
  static final String BATCH_REASON = "fixture batch";

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Files.deleteIfExists(file);
    try (Sundial sundial = Sundial.builder().dbFile(file).start()) {
      var stubs = sundial.newWorkflowServiceStubs();
      WorkflowClient client = WorkflowClient.newInstance(stubs,
          WorkflowClientOptions.newBuilder().setNamespace("default").build());
      WorkerFactory factory = UpgradeWorkflows.startWorker(client);
      for (int i = 1; i <= 3; i++) {
        var order = order(client, "order-" + i);
        WorkflowClient.start(order::run, "order-" + i);
        // Wait until it is parked on its timer/signal: the child has completed.
        while (client.fetchHistory("order-" + i).getEvents().stream()
            .noneMatch(e -> e.hasTimerStartedEventAttributes())) {
          Thread.sleep(20);
        }
      }
      existing(client, "order-1").finish();
      client.newUntypedWorkflowStub("order-1").getResult(30, TimeUnit.SECONDS, Object.class);
      existing(client, "order-2").add("apple");
      existing(client, "order-2").add("pear");
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
      // No worker now: order-4's first workflow task stays in the backlog.
      WorkflowClient.start(order(client, "order-4")::run, "order-4");
      // A paused schedule (stored schedule state) and a finished batch operation (stored job).
      ScheduleClient.newInstance(stubs, ScheduleClientOptions.newBuilder().setNamespace("default").build())
          .createSchedule(SCHEDULE_ID,
              Schedule.newBuilder()
                  .setAction(ScheduleActionStartWorkflow.newBuilder()
                      .setWorkflowType(UpgradeWorkflows.Child.class)
                      .setArguments("scheduled")
                      .setOptions(WorkflowOptions.newBuilder().setWorkflowId("scheduled-child")
                          .setTaskQueue(UpgradeWorkflows.QUEUE).build())
                      .build())
                  .setSpec(ScheduleSpec.newBuilder()
                      .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build())
                  .setState(ScheduleState.newBuilder().setPaused(true).setNote(SCHEDULE_NOTE).build())
                  .build(),
              ScheduleOptions.newBuilder().setMemo(Map.of("origin", "fixture")).build());
      stubs.blockingStub().startBatchOperation(StartBatchOperationRequest.newBuilder()
          .setNamespace("default").setJobId(BATCH_ID).setReason(BATCH_REASON)
          .setVisibilityQuery("WorkflowId = 'nobody'")
          .setSignalOperation(BatchOperationSignal.newBuilder().setSignal("noop").setIdentity("fixture"))
          .build());
      while (stubs.blockingStub().describeBatchOperation(DescribeBatchOperationRequest.newBuilder()
              .setNamespace("default").setJobId(BATCH_ID).build()).getState()
          == BatchOperationState.BATCH_OPERATION_STATE_RUNNING) {
        Thread.sleep(20);
      }
      stubs.shutdown();
    }
    System.out.println("wrote " + file + " (" + Files.size(file) + " bytes)");
  }

  static UpgradeWorkflows.Order existing(WorkflowClient client, String id) {
    return client.newWorkflowStub(UpgradeWorkflows.Order.class, id);
  }

  static UpgradeWorkflows.Order order(WorkflowClient client, String id) {
    return client.newWorkflowStub(UpgradeWorkflows.Order.class, WorkflowOptions.newBuilder()
        .setTaskQueue(UpgradeWorkflows.QUEUE).setWorkflowId(id)
        .setWorkflowExecutionTimeout(Duration.ofDays(3650)).build());
  }
}
