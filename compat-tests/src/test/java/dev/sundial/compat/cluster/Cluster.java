package dev.sundial.compat.cluster;

import dev.sundial.compat.CompatServer;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A cluster of server nodes (child JVMs) on one fresh PostgreSQL schema, for one test. Closing it
 * stops every node (also frozen ones) and drops the schema; the node logs stay in {@link #logDir()}
 * (system property {@code sundial.test.clusterLogDir}, default target/cluster-logs).
 */
final class Cluster implements AutoCloseable {

  static final int SHARDS = 16;
  static final String NAMESPACE = "default";

  private final ClusterDatabase db;
  private final Map<String, ClusterNodeProcess> nodes = new LinkedHashMap<>();
  private final Path logDir;

  Cluster(String testName, int size, Map<String, String> nodeSystemProperties) {
    this.db = ClusterDatabase.createFresh(testName);
    this.logDir =
        Paths.get(System.getProperty("sundial.test.clusterLogDir", "target/cluster-logs"))
            .resolve(
                testName
                    + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
            .toAbsolutePath();
    for (int i = 1; i <= size; i++) {
      String id = "n" + i;
      nodes.put(
          id,
          new ClusterNodeProcess(
              id, db.nodeUrl(), logDir.resolve(id + ".log"), nodeSystemProperties));
    }
  }

  ClusterDatabase db() {
    return db;
  }

  Path logDir() {
    return logDir;
  }

  ClusterNodeProcess node(String id) {
    ClusterNodeProcess n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("no node " + id);
    }
    return n;
  }

  List<ClusterNodeProcess> nodes() {
    return new ArrayList<>(nodes.values());
  }

  void startAll() {
    nodes.values().forEach(ClusterNodeProcess::start);
  }

  /**
   * Waits until every running node reports ready and the shards table agrees: every shard has a
   * live lease, and the owners are exactly the running nodes (so the assignment has settled on the
   * full member list rather than on the nodes that happened to be up first).
   */
  void awaitSettled(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ClusterNodeProcess> running =
          nodes.values().stream().filter(ClusterNodeProcess::isAlive).collect(Collectors.toList());
      Set<String> expected =
          running.stream().map(ClusterNodeProcess::nodeId).collect(Collectors.toSet());
      Map<Integer, String> owners = db.liveOwners();
      boolean ready = running.stream().allMatch(ClusterNodeProcess::isReady);
      if (ready && owners.size() == SHARDS && new HashSet<>(owners.values()).equals(expected)) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        StringBuilder tails = new StringBuilder();
        running.forEach(n -> tails.append(n.logTail(40)).append('\n'));
        throw new AssertionError(
            "the cluster did not settle within "
                + timeout
                + ": running "
                + expected
                + ", ready "
                + ready
                + ", live shard owners "
                + owners
                + "\n"
                + tails);
      }
      ClusterNodeProcess.pause(100);
    }
  }

  /** The namespace's id (what executions and task queues hash by). */
  static String namespaceId(WorkflowServiceStubs stubs) {
    return stubs
        .blockingStub()
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build())
        .getNamespaceInfo()
        .getId();
  }

  /** The whole history of a run, page by page, through the given node. */
  static List<HistoryEvent> history(WorkflowServiceStubs stubs, String workflowId, String runId) {
    return CompatServer.history(stubs, workflowId, runId);
  }

  /** Tail of every node's log, for failure messages. */
  String logTails(int lines) {
    StringBuilder b = new StringBuilder();
    nodes.values().forEach(n -> b.append(n.logTail(lines)).append('\n'));
    return b.toString();
  }

  @Override
  public void close() {
    try {
      for (ClusterNodeProcess n : nodes.values()) {
        try {
          n.close();
        } catch (RuntimeException e) {
          System.err.println("[cluster] stopping " + n.nodeId() + " failed: " + e);
        }
      }
    } finally {
      db.close();
      System.out.println("[cluster] node logs kept in " + logDir);
    }
  }
}
