package dev.sundial.compat.upgrade;

import dev.sundial.server.Sundial;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Writes the upgrade fixture: a SQLite database made by the code of the day, for the upgrade
 * test to open with later code. Run once, by hand, when a fixture is to be added (see
 * UpgradeTest for the command), with the target file as the argument. Leaves: order-1 completed; order-2 and order-3 waiting for their finish signal
 * (order-2 with two items added); order-4 started with no worker (its first task pending).
 */
public final class UpgradeFixtureGenerator {
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
