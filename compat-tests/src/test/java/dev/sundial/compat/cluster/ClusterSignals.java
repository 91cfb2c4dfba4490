package dev.sundial.compat.cluster;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signals sent by the test with the raw API and an explicit request id, so that a signal whose
 * answer was lost (node killed or frozen mid-call) can be sent again, through the same or another
 * node, without being applied twice: the server deduplicates by request id. Every error answer is
 * counted by status code; only codes a client may retry are retried.
 */
final class ClusterSignals {

  /** Codes after which the signal may or may not have been applied, and a retry is expected. */
  static final Set<Status.Code> RETRYABLE =
      EnumSet.of(
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.CANCELLED);

  private final List<WorkflowServiceStubs> stubs;
  private final List<ClusterNodeProcess> nodes;
  private final Set<String> down;
  private final AtomicInteger retries = new AtomicInteger();
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> samples = new ConcurrentHashMap<>();

  ClusterSignals(
      List<WorkflowServiceStubs> stubs, List<ClusterNodeProcess> nodes, Set<String> down) {
    this.stubs = stubs;
    this.nodes = nodes;
    this.down = down;
  }

  /**
   * Sends the signal through the preferred node, falling back to the next live ones on retryable
   * errors, for up to a minute. Returns the index of the node that accepted it.
   */
  int send(String workflowId, String name, String value, String requestId, int preferred) {
    return send(workflowId, name, value, requestId, preferred, true);
  }

  /**
   * Sends the signal; with {@code fallback} false only through the given node (retried there).
   *
   * @throws AssertionError on a non-retryable error or when no node accepted it within a minute
   */
  int send(
      String workflowId,
      String name,
      String value,
      String requestId,
      int preferred,
      boolean fallback) {
    SignalWorkflowExecutionRequest request =
        SignalWorkflowExecutionRequest.newBuilder()
            .setNamespace(Cluster.NAMESPACE)
            .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .setSignalName(name)
            .setInput(DefaultDataConverter.STANDARD_INSTANCE.toPayloads(value).get())
            .setRequestId(requestId)
            .setIdentity("cluster-test")
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StatusRuntimeException last = null;
    for (int attempt = 0; System.nanoTime() - deadline < 0; attempt++) {
      int n = fallback ? (preferred + attempt) % nodes.size() : preferred;
      if (fallback && down.contains(nodes.get(n).nodeId())) {
        continue;
      }
      try {
        stubs
            .get(n)
            .blockingStub()
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .signalWorkflowExecution(request);
        return n;
      } catch (StatusRuntimeException e) {
        last = e;
        String key = nodes.get(n).nodeId() + ":" + e.getStatus().getCode();
        errors.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        // Distinct messages (numbers masked), to tell a fenced write from a moving shard.
        Set<String> seen = samples.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet());
        if (seen.size() < 6) {
          seen.add(String.valueOf(e.getStatus().getDescription()).replaceAll("[0-9]+", "#"));
        }
        if (!RETRYABLE.contains(e.getStatus().getCode())) {
          throw new AssertionError(
              "signal "
                  + requestId
                  + " through "
                  + nodes.get(n).nodeId()
                  + " failed with a non-retryable status: "
                  + e.getStatus(),
              e);
        }
        retries.incrementAndGet();
        ClusterNodeProcess.pause(100);
      }
    }
    throw new AssertionError("signal " + requestId + " not accepted within a minute", last);
  }

  int retries() {
    return retries.get();
  }

  /** The distinct error messages (up to six, numbers masked) per node and status code. */
  Map<String, Set<String>> errorSamples() {
    return new TreeMap<>(samples);
  }

  /** Error answers by node and status code. */
  Map<String, Integer> errors() {
    Map<String, Integer> m = new TreeMap<>();
    errors.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }
}
