package dev.sundial.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * One kind of load: the workflow types it registers on the bench worker and one unit of work
 * (one workflow for every workload except {@code query}, where a unit is one query). {@link
 * LoadRun} calls {@link #runUnit} from C client threads until N units are done or time is up.
 */
abstract class Workload {

  /** A call or workflow returned something other than expected: counted as an error. */
  static final class WrongResult extends RuntimeException {
    WrongResult(String message) {
      super(message, null, false, false);
    }
  }

  protected WorkflowClient client;
  protected String taskQueue;
  protected String runId;
  protected Duration limit;
  /** Whether workflows start eagerly (their first workflow task returned with the start). */
  protected boolean eagerStart;

  final void bind(
      WorkflowClient client, String taskQueue, String runId, Duration limit, boolean eagerStart) {
    this.client = client;
    this.eagerStart = eagerStart;
    this.taskQueue = taskQueue;
    this.runId = runId;
    this.limit = limit;
  }

  abstract void register(Worker worker);

  /** The workload's parameters for the report header, e.g. "10 signals per workflow". */
  abstract String describe();

  /** What one unit of work is, for the report and the JSON "unit" field. */
  String unit() {
    return "workflow";
  }

  /** What the main latency measures. */
  String latencyMeaning() {
    return "start to result";
  }

  /** How many units to run when --workflows is N. */
  int units(int workflows) {
    return workflows;
  }

  /** How many workflows the run starts when --workflows is N (for the JSON "workflows" field). */
  int workflowsStarted(int workflows) {
    return workflows;
  }

  /** Before the clock starts (query: start the long-running workflows). */
  void setUp() throws TimeoutException {}

  /**
   * Runs unit i and returns its latency in nanoseconds. Throws TimeoutException when the deadline
   * passes first (counted as unfinished), WrongResult or any RuntimeException on failure.
   */
  abstract long runUnit(int i, long deadlineNanos) throws TimeoutException;

  /** After the units (query: finish the workflows); reports its failures to the run. */
  void tearDown(LoadRun run) {}

  /** Workload-specific report lines. */
  void report(PrintWriter out) {}

  /** Workload-specific JSON fields, in order. */
  void json(Map<String, Object> fields) {}

  /** Options for workflow i: a readable id and an execution timeout past the run's limit. */
  WorkflowOptions options(int i, Duration extra) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(taskQueue)
        .setWorkflowId(runId + "-" + i)
        .setWorkflowExecutionTimeout(limit.plusMinutes(1).plus(extra))
        .setDisableEagerExecution(!eagerStart)
        .build();
  }

  /** Nanoseconds left before the deadline; TimeoutException when none. */
  static long remaining(long deadlineNanos) throws TimeoutException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException("duration limit reached");
    }
    return left;
  }

  static void expect(Object expected, Object actual, String what) {
    if (!expected.equals(actual)) {
      throw new WrongResult(what + " was not the expected value");
    }
  }

  /** Adds prefix_p50_ms ... prefix_max_ms (and a count) for one latency distribution. */
  static void putLatency(Map<String, Object> fields, String prefix, LatencySummary l) {
    fields.put(prefix + "_count", l.count());
    fields.put(prefix + "_p50_ms", l.p50Ms());
    fields.put(prefix + "_p95_ms", l.p95Ms());
    fields.put(prefix + "_p99_ms", l.p99Ms());
    fields.put(prefix + "_max_ms", l.maxMs());
  }

  static void printLatency(PrintWriter out, String label, LatencySummary l) {
    out.printf(
        Locale.ROOT,
        "%s (%d samples): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        label,
        l.count(),
        l.p50Ms(),
        l.p95Ms(),
        l.p99Ms(),
        l.maxMs());
  }
}
