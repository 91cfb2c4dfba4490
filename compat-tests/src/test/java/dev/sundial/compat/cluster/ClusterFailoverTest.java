package dev.sundial.compat.cluster;

import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED;
import static io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sundial.engine.cluster.Partitions;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes on one PostgreSQL schema, one SDK worker per node on the same task queue, workflows
 * started and signalled through different nodes. Node n1 is killed with SIGKILL (at a progress
 * point) and restarted with the same id and port, then the same for n2. Every workflow must
 * complete exactly once with its result, every signal must be in its history exactly once, and
 * activities run at least once. The longest pause in activity progress after each kill is printed
 * ({@code FAILOVER ...} lines), not asserted.
 */
class ClusterFailoverTest {

  static final int WORKFLOWS = 75;
  static final long START_INTERVAL_MILLIS = 500;
  static final Duration STICKY_TIMEOUT = Duration.ofSeconds(2);
  static final int EXPECTED_ACTIVITY_RUNS = WORKFLOWS * 2;

  private Cluster cluster;
  private final List<WorkflowServiceStubs> workerStubs = new ArrayList<>();
  private final List<WorkflowServiceStubs> clientStubs = new ArrayList<>();
  private final List<WorkerFactory> factories = new ArrayList<>();
  private final ExecutorService starter = Executors.newSingleThreadExecutor();
  private final ScheduledExecutorService signaller = Executors.newScheduledThreadPool(4);

  /** Nodes the test has killed and not restarted yet: clients avoid them. */
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void requirePostgres() {
    assumeTrue(
        ClusterDatabase.testUrl() != null,
        ClusterDatabase.PG_URL_ENV + " is not set: PostgreSQL cluster tests skipped");
    FailoverWorkload.reset();
  }

  @AfterEach
  void tearDown() {
    FailoverWorkload.reset();
    starter.shutdownNow();
    signaller.shutdownNow();
    for (WorkerFactory f : factories) {
      f.shutdownNow();
    }
    for (WorkerFactory f : factories) {
      f.awaitTermination(10, TimeUnit.SECONDS);
    }
    for (WorkflowServiceStubs s : workerStubs) {
      s.shutdownNow();
    }
    for (WorkflowServiceStubs s : clientStubs) {
      s.shutdownNow();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void workflowsCompleteExactlyOnceAcrossNodeKills() throws Exception {
    long t0 = System.nanoTime();
    cluster = new Cluster("failover", 3, Map.of());
    cluster.startAll();
    cluster.awaitSettled(Duration.ofSeconds(90));
    System.out.printf(
        "[cluster] 3 nodes ready after %d ms; logs in %s%n", millisSince(t0), cluster.logDir());

    List<ClusterNodeProcess> nodes = cluster.nodes();
    // The task queue's matching partition lives on n1: the first kill takes the queue's owner
    // down, the second (n2) does not, so both cases are measured in every run.
    String namespaceId;
    WorkflowServiceStubs probe =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(nodes.get(0).target()).build());
    try {
      namespaceId = Cluster.namespaceId(probe);
    } finally {
      probe.shutdownNow();
    }
    Map<Integer, ClusterDatabase.Shard> initial = cluster.db().shards();
    String queue = null;
    for (int k = 0; queue == null; k++) {
      String q = "cluster-failover-" + k;
      if ("n1"
          .equals(initial.get(Partitions.partitionOf(namespaceId, q, Cluster.SHARDS)).owner())) {
        queue = q;
      }
    }
    taskQueue = queue;
    int queuePartition = Partitions.partitionOf(namespaceId, taskQueue, Cluster.SHARDS);
    List<WorkflowClient> clients = new ArrayList<>();
    for (ClusterNodeProcess node : nodes) {
      // Workers keep the SDK's default RPC retries (they wait for their node to come back).
      WorkflowServiceStubs ws =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(node.target())
                  .setConnectionBackoffResetFrequency(Duration.ofSeconds(1))
                  .build());
      workerStubs.add(ws);
      // The test's own calls give up on a node quickly and go to another one.
      WorkflowServiceStubs cs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget(node.target())
                  .setConnectionBackoffResetFrequency(Duration.ofSeconds(1))
                  .setRpcTimeout(Duration.ofSeconds(5))
                  .setRpcRetryOptions(
                      RpcRetryOptions.newBuilder()
                          .setExpiration(Duration.ofSeconds(4))
                          .setMaximumInterval(Duration.ofMillis(500))
                          .build())
                  .build());
      clientStubs.add(cs);
      WorkflowClientOptions options =
          WorkflowClientOptions.newBuilder().setNamespace(Cluster.NAMESPACE).build();
      clients.add(WorkflowClient.newInstance(cs, options));
      WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(ws, options));
      Worker worker =
          factory.newWorker(
              taskQueue,
              WorkerOptions.newBuilder()
                  .setStickyQueueScheduleToStartTimeout(STICKY_TIMEOUT)
                  .build());
      worker.registerWorkflowImplementationTypes(FailoverWorkload.FailoverWorkflowImpl.class);
      worker.registerActivitiesImplementations(new FailoverWorkload.StepsImpl());
      factories.add(factory);
    }
    factories.forEach(WorkerFactory::start);

    Map<String, Integer> seeds = new LinkedHashMap<>();
    for (int i = 0; i < WORKFLOWS; i++) {
      seeds.put("failover-" + i, i * 7 + 3);
    }
    List<String> ids = new ArrayList<>(seeds.keySet());
    Map<String, Integer> startNode = new ConcurrentHashMap<>();
    Map<String, Integer> signalNode = new ConcurrentHashMap<>();
    Map<String, String> runIds = new ConcurrentHashMap<>();
    ClusterSignals signals = new ClusterSignals(clientStubs, nodes, down);
    List<String> signalFailures = new CopyOnWriteArrayList<>();

    // The signal goes out once the workflow should be waiting for it, through another node than
    // the one that started it.
    Set<String> signalScheduled = ConcurrentHashMap.newKeySet();
    FailoverWorkload.firstActivityDone =
        id -> {
          if (!signalScheduled.add(id)) {
            return;
          }
          int seed = seeds.get(id);
          signaller.schedule(
              () -> {
                try {
                  int via =
                      signals.send(
                          id,
                          "proceed",
                          FailoverWorkload.signalValue(seed),
                          "signal-" + id,
                          (startNode.getOrDefault(id, 0) + 1) % nodes.size());
                  signalNode.put(id, via);
                } catch (AssertionError | RuntimeException e) {
                  signalFailures.add(id + ": " + e);
                }
              },
              FailoverWorkload.sleepOf(seed).toMillis() + 300,
              TimeUnit.MILLISECONDS);
        };

    long startFrom = System.nanoTime();
    Future<?> starting =
        starter.submit(
            () -> {
              for (int i = 0; i < WORKFLOWS; i++) {
                long due = startFrom + TimeUnit.MILLISECONDS.toNanos(i * START_INTERVAL_MILLIS);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
                String id = ids.get(i);
                startOne(clients, nodes, id, seeds.get(id), i % nodes.size(), startNode, runIds);
              }
              return null;
            });

    // Kill -9 and restart at progress points.
    List<FailoverKill> kills = new ArrayList<>();
    kills.add(killAndRestart("n1", 40, 20, namespaceId, queuePartition, ids));
    kills.add(
        killAndRestart(
            "n2",
            Math.max(FailoverWorkload.RUNS.get() + 10, 95),
            20,
            namespaceId,
            queuePartition,
            ids));

    starting.get(120, TimeUnit.SECONDS);
    System.out.printf("[cluster] all %d workflows started (%d ms)%n", WORKFLOWS, millisSince(t0));

    // Every workflow completes, within a bounded time, with the expected result.
    long resultsFrom = System.nanoTime();
    Map<String, String> results = new TreeMap<>();
    for (int i = 0; i < WORKFLOWS; i++) {
      String id = ids.get(i);
      WorkflowStub stub =
          clients
              .get(i % nodes.size())
              .newUntypedWorkflowStub(id, Optional.of(runIds.get(id)), Optional.empty());
      long left = TimeUnit.SECONDS.toNanos(90) - (System.nanoTime() - resultsFrom);
      try {
        results.put(id, stub.getResult(Math.max(1, left), TimeUnit.NANOSECONDS, String.class));
      } catch (TimeoutException e) {
        throw new AssertionError(
            "workflow "
                + id
                + " did not complete within 90 s after the last restart"
                + stuckReport(ids, runIds)
                + "; signals not accepted: "
                + signalFailures
                + "\n"
                + cluster.logTails(40),
            e);
      }
    }
    long endNanos = System.nanoTime();
    System.out.printf(
        "[cluster] all results %d ms after the last restart phase; total %d ms%n",
        millisSince(resultsFrom), millisSince(t0));

    assertThat(signalFailures).as("signals the cluster did not accept").isEmpty();

    // Histories: one start, one completion, the signal exactly once, two activities, one timer.
    int workflowTaskTimeouts = 0;
    List<String> workflowTaskFailures = new ArrayList<>();
    for (String id : ids) {
      assertThat(results.get(id))
          .as("result of %s", id)
          .isEqualTo(FailoverWorkload.expected(id, seeds.get(id)));
      // Read through a node other than the one that started it (forwarded to the owner).
      List<HistoryEvent> history =
          Cluster.history(clientStubs.get((startNode.get(id) + 2) % nodes.size()), id, null);
      for (int i = 0; i < history.size(); i++) {
        assertThat(history.get(i).getEventId()).as("event id #%d of %s", i, id).isEqualTo(i + 1);
      }
      assertThat(count(history, EVENT_TYPE_WORKFLOW_EXECUTION_STARTED))
          .as("starts of %s", id)
          .isEqualTo(1);
      assertThat(count(history, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED))
          .as("completions of %s", id)
          .isEqualTo(1);
      assertThat(history.get(history.size() - 1).getEventType())
          .as("last event of %s", id)
          .isEqualTo(EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      assertThat(
              history
                  .get(0)
                  .getWorkflowExecutionStartedEventAttributes()
                  .getOriginalExecutionRunId())
          .as("run of %s", id)
          .isEqualTo(runIds.get(id));
      List<String> signalled =
          history.stream()
              .filter(e -> e.getEventType() == EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
              .map(
                  e ->
                      e.getWorkflowExecutionSignaledEventAttributes().getSignalName()
                          + "="
                          + DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                              0,
                              Optional.of(
                                  e.getWorkflowExecutionSignaledEventAttributes().getInput()),
                              String.class,
                              String.class))
              .collect(Collectors.toList());
      assertThat(signalled)
          .as("signals of %s", id)
          .containsExactly("proceed=" + FailoverWorkload.signalValue(seeds.get(id)));
      assertThat(count(history, EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
          .as("activities of %s", id)
          .isEqualTo(2);
      assertThat(count(history, EVENT_TYPE_ACTIVITY_TASK_COMPLETED))
          .as("activities of %s", id)
          .isEqualTo(2);
      assertThat(count(history, EVENT_TYPE_TIMER_STARTED)).as("timers of %s", id).isEqualTo(1);
      assertThat(count(history, EVENT_TYPE_TIMER_FIRED)).as("timers of %s", id).isEqualTo(1);
      workflowTaskTimeouts += count(history, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
      for (HistoryEvent e : history) {
        if (e.getEventType() == EVENT_TYPE_WORKFLOW_TASK_FAILED) {
          var a = e.getWorkflowTaskFailedEventAttributes();
          workflowTaskFailures.add(
              id
                  + ": "
                  + a.getCause()
                  + " "
                  + a.getFailure().getApplicationFailureInfo().getType()
                  + " "
                  + a.getFailure().getMessage());
        }
      }
      for (String activity : List.of("first", "second")) {
        assertThat(FailoverWorkload.EXECUTIONS.get(id + "/" + activity))
            .as("%s of %s ran", activity, id)
            .isNotNull();
      }
    }
    // A non-determinism error would mean the SDK was handed a history it cannot replay.
    assertThat(workflowTaskFailures)
        .as("workflow task failures")
        .noneMatch(f -> f.contains("NonDeterministic"));

    int duplicates = FailoverWorkload.EXECUTIONS.values().stream().mapToInt(n -> n.get() - 1).sum();
    assertThat(FailoverWorkload.RUNS.get())
        .as("activity executions")
        .isGreaterThanOrEqualTo(EXPECTED_ACTIVITY_RUNS);

    // Report (measured, not asserted).
    List<FailoverWorkload.Progress> progress = new ArrayList<>(FailoverWorkload.PROGRESS);
    for (int k = 0; k < kills.size(); k++) {
      FailoverKill kill = kills.get(k);
      long windowEnd = k + 1 < kills.size() ? kills.get(k + 1).killedAt : endNanos;
      kill.report(progress, windowEnd);
    }
    System.out.printf(
        "[cluster] %d activity executions for %d activities (%d re-executions, allowed by"
            + " at-least-once); %d workflow task timeouts; %d workflow task failures%s%n",
        FailoverWorkload.RUNS.get(),
        EXPECTED_ACTIVITY_RUNS,
        duplicates,
        workflowTaskTimeouts,
        workflowTaskFailures.size(),
        workflowTaskFailures.isEmpty() ? "" : " " + workflowTaskFailures);
    long viaOtherNode =
        ids.stream().filter(id -> !startNode.get(id).equals(signalNode.get(id))).count();
    System.out.printf(
        "[cluster] %d/%d signals went through another node than the start%n",
        viaOtherNode, WORKFLOWS);
    System.out.printf(
        "[cluster] signals: %d retried sends, errors seen: %s; starts retried: %d%n",
        signals.retries(), signals.errors(), startRetries.get());
    System.out.printf("[cluster] error messages per node:code: %s%n", signals.errorSamples());
    System.out.printf(
        "FAILOVER settings: sticky schedule-to-start %d ms, lease %s ms (default 3000), workflow"
            + " task timeout 5000 ms, activity start-to-close 5000 ms%n",
        STICKY_TIMEOUT.toMillis(), System.getProperty("sundial.cluster.leaseMillis", "3000"));
    kills.forEach(k -> System.out.println(k.line));
  }

  private final AtomicInteger startRetries = new AtomicInteger();
  private String taskQueue;

  /** Starts one workflow through its node, or another live one when that fails. */
  private void startOne(
      List<WorkflowClient> clients,
      List<ClusterNodeProcess> nodes,
      String id,
      int seed,
      int preferred,
      Map<String, Integer> startNode,
      Map<String, String> runIds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    RuntimeException last = null;
    for (int attempt = 0; System.nanoTime() - deadline < 0; attempt++) {
      int n = (preferred + attempt) % nodes.size();
      if (down.contains(nodes.get(n).nodeId())) {
        continue;
      }
      FailoverWorkload.FailoverWorkflow wf =
          clients
              .get(n)
              .newWorkflowStub(
                  FailoverWorkload.FailoverWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(taskQueue)
                      .setWorkflowId(id)
                      .setWorkflowTaskTimeout(Duration.ofSeconds(5))
                      .build());
      try {
        runIds.put(id, WorkflowClient.start(wf::run, seed).getRunId());
        startNode.put(id, n);
        return;
      } catch (WorkflowExecutionAlreadyStarted e) {
        // An earlier attempt whose answer was lost did start it.
        runIds.put(id, e.getExecution().getRunId());
        startNode.put(id, n);
        return;
      } catch (RuntimeException e) {
        last = e;
        startRetries.incrementAndGet();
        ClusterNodeProcess.pause(100);
      }
    }
    throw new AssertionError("could not start " + id, last);
  }

  /**
   * Waits for the progress point, kills the node, waits for {@code runsAfter} more activity
   * executions (served by the other nodes), restarts it with the same id and port and waits until
   * the cluster settled on all nodes again.
   */
  private FailoverKill killAndRestart(
      String nodeId,
      int atRuns,
      int runsAfter,
      String namespaceId,
      int queuePartition,
      List<String> ids) {
    ClusterNodeProcess node = cluster.node(nodeId);
    awaitRuns(atRuns, "before killing " + nodeId);
    Map<Integer, ClusterDatabase.Shard> shards = cluster.db().shards();
    Set<String> orphaned =
        ids.stream()
            .filter(
                id ->
                    nodeId.equals(
                        shards.get(Partitions.shardOf(namespaceId, id, Cluster.SHARDS)).owner()))
            .collect(Collectors.toSet());
    String queueOwner = shards.get(queuePartition).owner();
    down.add(nodeId);
    int runsAtKill = FailoverWorkload.RUNS.get();
    long killedAt = System.nanoTime();
    try {
      node.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    FailoverKill kill = new FailoverKill(nodeId, killedAt, runsAtKill, orphaned, queueOwner);
    System.out.printf(
        "[cluster] killed %s at %d activity executions (it owned %d shards, the task queue's"
            + " partition is on %s)%n",
        nodeId,
        runsAtKill,
        shards.values().stream().filter(s -> nodeId.equals(s.owner())).count(),
        queueOwner);
    awaitRuns(runsAtKill + runsAfter, "while " + nodeId + " is down");
    node.start();
    kill.restartedAt = System.nanoTime();
    cluster.awaitSettled(Duration.ofSeconds(60));
    kill.readyAt = System.nanoTime();
    down.remove(nodeId);
    System.out.printf(
        "[cluster] restarted %s %d ms after the kill; cluster settled again at %d ms%n",
        nodeId, (kill.restartedAt - killedAt) / 1_000_000, (kill.readyAt - killedAt) / 1_000_000);
    return kill;
  }

  private void awaitRuns(int runs, String when) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (FailoverWorkload.RUNS.get() < runs) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "no "
                + runs
                + " activity executions "
                + when
                + " within 90 s (now "
                + FailoverWorkload.RUNS.get()
                + ")\n"
                + cluster.logTails(40));
      }
      ClusterNodeProcess.pause(20);
    }
  }

  /** Which workflows have not completed, for a failure message. */
  private String stuckReport(List<String> ids, Map<String, String> runIds) {
    List<String> stuck = new ArrayList<>();
    for (String id : ids) {
      if (!FailoverWorkload.EXECUTIONS.containsKey(id + "/second")) {
        stuck.add(
            id + " (first ran: " + FailoverWorkload.EXECUTIONS.containsKey(id + "/first") + ")");
      }
    }
    return "; workflows whose second activity never ran: " + stuck;
  }

  private static int count(List<HistoryEvent> history, EventType type) {
    return (int) history.stream().filter(e -> e.getEventType() == type).count();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
