package dev.sundial.compat.cluster;

import dev.sundial.cli.SundialCommand;
import dev.sundial.engine.cluster.Partitions;
import dev.sundial.engine.state.StandaloneActivityKey;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.activity.ActivityInterface;
import io.temporal.client.ActivityClient;
import io.temporal.client.ActivityClientOptions;
import io.temporal.client.StartActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Queries whose workflow lives on one node and whose task queue is served by the other: the node
 * running the query asks the queue's owner whether a worker polls, so a query with no worker
 * fails fast (as on a single node) and one with a worker is answered. A standalone activity
 * started on one node for a run the other serves is routed there, and its result comes back.
 */
class ClusterQueryTest extends ClusterTestSupport {

  @WorkflowInterface
  public interface Waiting {
    @WorkflowMethod
    String run();

    @QueryMethod
    String state();

    @SignalMethod
    void finish();
  }

  public static class WaitingImpl implements Waiting {
    private boolean done;

    @Override
    public String run() {
      Workflow.await(() -> done);
      return "finished";
    }

    @Override
    public String state() {
      return done ? "done" : "waiting";
    }

    @Override
    public void finish() {
      done = true;
    }
  }

  @ActivityInterface
  public interface Echo {
    String echo(String value);
  }

  public static class EchoImpl implements Echo {
    @Override
    public String echo(String value) {
      return "echo " + value;
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void queryAcrossNodesFailsFastWithoutWorkerAndIsAnsweredWithOne() throws Exception {
    cluster = new Cluster("query", 2, Map.of());
    cluster.startAll();
    cluster.awaitSettled(Duration.ofSeconds(60));
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(cluster.node("n1").target())
                .build());
    String namespaceId = Cluster.namespaceId(stubs);
    Map<Integer, ClusterDatabase.Shard> shards = cluster.db().shards();
    Set<Integer> n1 = owned(shards, "n1");
    Set<Integer> n2 = owned(shards, "n2");
    assertThat(n1).as("shards of n1").isNotEmpty();
    assertThat(n2).as("shards of n2").isNotEmpty();
    String queue = first("query-q-", q -> n2.contains(Partitions.partitionOf(namespaceId, q, Cluster.SHARDS)));
    String idle = first("query-idle-", id -> n1.contains(Partitions.shardOf(namespaceId, id, Cluster.SHARDS)));
    String served = first("query-served-", id -> n1.contains(Partitions.shardOf(namespaceId, id, Cluster.SHARDS)));

    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(Cluster.NAMESPACE).build());
    WorkflowOptions.Builder options = WorkflowOptions.newBuilder().setTaskQueue(queue);

    // No worker has ever polled the queue (served by n2); the query runs on n1.
    Waiting noWorker = client.newWorkflowStub(Waiting.class, options.setWorkflowId(idle).build());
    WorkflowClient.start(noWorker::run);
    Throwable t = catchThrowable(noWorker::state);
    assertThat(t).isInstanceOf(WorkflowServiceException.class);
    assertThat(t.getCause()).isInstanceOf(StatusRuntimeException.class);
    StatusRuntimeException sre = (StatusRuntimeException) t.getCause();
    assertThat(sre.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sre.getStatus().getDescription()).contains(queue);

    // With a worker polling (through n1, relayed to n2) the same kind of query is answered.
    factory = WorkerFactory.newInstance(client);
    var worker = factory.newWorker(queue);
    worker.registerWorkflowImplementationTypes(WaitingImpl.class);
    worker.registerActivitiesImplementations(new EchoImpl());
    factory.start();
    Waiting withWorker = client.newWorkflowStub(Waiting.class, options.setWorkflowId(served).build());
    WorkflowClient.start(withWorker::run);
    assertThat(withWorker.state()).isEqualTo("waiting");
    withWorker.finish();
    assertThat(WorkflowStub.fromTyped(withWorker).getResult(60, TimeUnit.SECONDS, String.class))
        .isEqualTo("finished");

    // A standalone activity whose run n2 serves, started and awaited through n1, run by the worker.
    String activityId = first("query-activity-",
        id -> n2.contains(Partitions.shardOf(namespaceId, StandaloneActivityKey.of(id), Cluster.SHARDS)));
    ActivityClient activities = ActivityClient.newInstance(
        stubs, ActivityClientOptions.newBuilder().setNamespace(Cluster.NAMESPACE).build());
    assertThat(activities.execute(Echo.class, Echo::echo,
            StartActivityOptions.newBuilder().setId(activityId).setTaskQueue(queue)
                .setStartToCloseTimeout(Duration.ofSeconds(30)).build(),
            "across nodes"))
        .isEqualTo("echo across nodes");

    // `sundial server status` shows both nodes and who owns the shards.
    var node = cluster.node("n1");
    var status = new StringWriter();
    var cli = SundialCommand.newCommandLine();
    cli.setOut(new PrintWriter(status, true));
    int code = cli.execute("server", "status", "--address", node.target(),
        "--ui-address", "127.0.0.1:" + node.uiPort());
    assertThat(code).as(status.toString()).isZero();
    assertThat(status.toString()).contains("Nodes:").contains("n1").contains("n2")
        .contains("Shards: " + Cluster.SHARDS + " (0 without a live owner)");
  }

  private static Set<Integer> owned(Map<Integer, ClusterDatabase.Shard> shards, String node) {
    return shards.values().stream()
        .filter(s -> node.equals(s.owner()))
        .map(ClusterDatabase.Shard::shardId)
        .collect(Collectors.toSet());
  }

  private static String first(String prefix, Predicate<String> where) {
    for (int k = 0; ; k++) {
      if (where.test(prefix + k)) return prefix + k;
    }
  }
}
