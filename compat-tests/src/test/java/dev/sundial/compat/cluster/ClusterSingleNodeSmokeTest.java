package dev.sundial.compat.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sundial.engine.proto.InternalCall;
import dev.sundial.engine.proto.InternalReply;
import dev.sundial.engine.proto.QueuePolledSince;
import dev.sundial.server.cluster.InternalService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster fixture on its own: one node on PostgreSQL (a cluster of one) listens before it takes
 * a shard, becomes ready, owns all shards, and runs a workflow with an activity and a signal
 * through the official SDK; its node-to-node service refuses callers without the cluster secret.
 */
class ClusterSingleNodeSmokeTest extends ClusterTestSupport {


  @ActivityInterface
  public interface Greeter {
    String greet(String name);
  }

  public static class GreeterImpl implements Greeter {
    @Override
    public String greet(String name) {
      return "hello " + name;
    }
  }

  @WorkflowInterface
  public interface SmokeWorkflow {
    @WorkflowMethod
    String run(String name);

    @SignalMethod
    void suffix(String value);
  }

  public static class SmokeWorkflowImpl implements SmokeWorkflow {
    private String suffix;

    @Override
    public String run(String name) {
      Greeter g =
          Workflow.newActivityStub(
              Greeter.class,
              ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());
      String greeting = g.greet(name);
      Workflow.await(() -> suffix != null);
      return greeting + suffix;
    }

    @Override
    public void suffix(String value) {
      suffix = value;
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void internalServiceAnswersOnlyCallsCarryingTheClusterSecret() throws Exception {
    cluster = new Cluster("secret", 1, Map.of());
    cluster.startAll();
    cluster.awaitSettled(Duration.ofSeconds(60));
    String secret = cluster.db().clusterSecret();
    assertThat(secret).isNotBlank();
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(cluster.node("n1").target()).usePlaintext().build();
    try {
      stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(cluster.node("n1").target()).build());
      // Any internal operation will do: ask whether a queue of ours has pollers (it has none).
      InternalCall request = InternalCall.newBuilder()
          .setQueuePolledSince(QueuePolledSince.newBuilder()
              .setNamespaceId(Cluster.namespaceId(stubs)).setTaskQueue("no-such-queue"))
          .build();
      for (String presented : new String[] {null, "", secret + "x", secret.substring(1)}) {
        Throwable refused = catchThrowable(() -> internalCall(channel, presented, request));
        assertThat(refused).as("secret %s", presented).isInstanceOf(StatusRuntimeException.class);
        Status status = ((StatusRuntimeException) refused).getStatus();
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(status.getDescription()).contains("cluster secret");
      }
      InternalReply reply = internalCall(channel, secret, request);
      assertThat(reply.hasError()).as("error %s", reply.getError()).isFalse();
      assertThat(reply.getFlag()).as("no poller").isFalse();
    } finally {
      channel.shutdownNow();
    }
  }

  private static InternalReply internalCall(
      ManagedChannel channel, String secret, InternalCall request) {
    Metadata headers = new Metadata();
    if (secret != null) {
      headers.put(InternalService.SECRET, secret);
    }
    Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return ClientCalls.blockingUnaryCall(withHeaders, InternalService.CALL,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  private boolean holdsAShard(String nodeId) {
    try {
      return cluster.db().shards().values().stream().anyMatch(sh -> nodeId.equals(sh.owner()));
    } catch (IllegalStateException notMigratedYet) {
      return false;
    }
  }

  private void awaitFirstLease(String nodeId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!holdsAShard(nodeId)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(nodeId + " took no shard within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(2); // polling a condition, as fast as the database answers
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void oneNodeOwnsEveryShardAndRunsAWorkflow() throws Exception {
    cluster = new Cluster("smoke", 1, Map.of());
    long t0 = System.nanoTime();
    cluster.startAll();
    // Other nodes relay calls to a shard's owner as soon as it holds the lease, so a node must
    // listen before it takes its first shard: the moment a lease shows up, the port accepts.
    awaitFirstLease("n1", Duration.ofSeconds(60));
    String[] hostPort = cluster.node("n1").target().split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 1000);
    }
    cluster.awaitSettled(Duration.ofSeconds(60));
    System.out.printf(
        "[cluster-smoke] n1 ready and owning all %d shards after %d ms%n",
        Cluster.SHARDS, (System.nanoTime() - t0) / 1_000_000);
    assertThat(cluster.db().nodes()).extracting(ClusterDatabase.Node::nodeId).containsExactly("n1");

    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(cluster.node("n1").target())
                .build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(Cluster.NAMESPACE).build());
    factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker("cluster-smoke");
    worker.registerWorkflowImplementationTypes(SmokeWorkflowImpl.class);
    worker.registerActivitiesImplementations(new GreeterImpl());
    factory.start();

    SmokeWorkflow wf =
        client.newWorkflowStub(
            SmokeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue("cluster-smoke")
                .setWorkflowId("smoke-1")
                .build());
    WorkflowClient.start(wf::run, "sundial");
    wf.suffix("!");
    String result = WorkflowStub.fromTyped(wf).getResult(60, TimeUnit.SECONDS, String.class);
    assertThat(result).isEqualTo("hello sundial!");
  }
}
