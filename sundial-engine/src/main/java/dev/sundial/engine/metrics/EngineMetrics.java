package dev.sundial.engine.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The history, matching, timer and schedule metrics of the engine, under the names and labels
 * Temporal's server gives them (its {@code common/metrics/metric_defs.go}), so that its dashboards
 * and alerts read Sundial unchanged; Sundial's own figures are prefixed {@code sundial_}. Labels
 * name namespaces, task queues and workflow types, never workflow or run ids; task queue and
 * workflow type values are capped ({@link CappedTagValues}).
 */
public final class EngineMetrics {
  public static final String STICKY = "__sticky__";

  /** How many distinct task queues and workflow types get a label value of their own. */
  public record Limits(int taskQueues, int workflowTypes) {
    public static Limits defaults() {
      return new Limits(200, 200);
    }
  }

  /** One task queue's backlog as matching sees it now (for the backlog gauges). */
  public record Backlog(String namespaceId, String taskQueue, boolean activity, boolean sticky,
      long count, long oldestAgeMillis) {}

  private final MeterRegistry registry;
  private final Function<String, String> namespaceName;
  private final CappedTagValues taskQueues;
  private final CappedTagValues workflowTypes;
  private final Map<Object, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Object, Timer> timers = new ConcurrentHashMap<>();
  private final DistributionSummary stateTransitions;
  private final Timer timerLateness;
  private final MultiGauge backlogCount;
  private final MultiGauge backlogAge;
  private volatile Supplier<List<Backlog>> backlogs = List::of;

  public EngineMetrics(MeterRegistry registry, Function<String, String> namespaceName, Limits limits) {
    this.registry = registry;
    this.namespaceName = namespaceName;
    this.taskQueues = new CappedTagValues(limits.taskQueues());
    this.workflowTypes = new CappedTagValues(limits.workflowTypes());
    this.stateTransitions = Meters.counts(registry, "state_transition_count",
        Tags.of("service_name", "history"));
    this.timerLateness = Meters.latency(registry, "sundial_timer_lateness",
        Tags.of("service_name", "history"));
    this.backlogCount = MultiGauge.builder("approximate_backlog_count").register(registry);
    this.backlogAge = MultiGauge.builder("approximate_backlog_age_seconds").register(registry);
    // Counters without variable labels exist from the start (at 0), as Prometheus advises: a
    // rate over them is 0, not "no data", before the first shard moves.
    for (String name : List.of("sharditem_created_count", "sharditem_removed_count",
        "shard_closed_count", "membership_changed_count")) {
      counter(name, Tags.of("service_name", "history"));
    }
    counter("sundial_shard_lease_renewals", Tags.empty());
  }

  /** Records nothing (engines in tests, embedded servers nobody reads metrics of). */
  public static EngineMetrics none() {
    return new EngineMetrics(Meters.none(), Function.identity(), Limits.defaults());
  }

  public MeterRegistry registry() {
    return registry;
  }

  // ---- workflows

  /** A run's write was committed: one state transition (Temporal's state_transition_count). */
  public void stateTransition() {
    stateTransitions.record(1);
  }

  /** A run closed (committed): workflow_success, _failed, ... as Temporal's CompletionStats. */
  public void workflowClosed(String namespaceId, String workflowType, String taskQueue,
      WorkflowExecutionStatus status, long startMillis, long closeMillis) {
    String name = switch (status) {
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> "workflow_success";
      case WORKFLOW_EXECUTION_STATUS_FAILED -> "workflow_failed";
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "workflow_timeout";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "workflow_terminate";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "workflow_cancel";
      case WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW -> "workflow_continued_as_new";
      default -> null;
    };
    if (name == null) {
      return;
    }
    Tags tags = Tags.of("service_name", "history", "operation", "CompletionStats",
        "namespace", namespaceName.apply(namespaceId), "namespace_state", "active",
        "taskqueue", taskQueues.of(taskQueue), "workflowType", workflowTypes.of(workflowType));
    counter(name, tags).increment();
    if (closeMillis > startMillis) {
      timer("workflow_schedule_to_close_latency", tags)
          .record(Duration.ofMillis(closeMillis - startMillis));
    }
  }

  // ---- matching

  /**
   * A step that Temporal's services ask of each other, done inside Sundial: a task handed to
   * matching ({@code AddWorkflowTask}, {@code AddActivityTask}) or recorded started ({@code
   * RecordWorkflowTaskStarted}, ...). Counted under Temporal's {@code service_requests}, so that
   * its dashboards' task panels show them.
   */
  public void internalRequest(String operation, String service, String namespaceId) {
    counter("service_requests", Tags.of("service_name", service, "operation", operation,
        "namespace", namespaceName.apply(namespaceId))).increment();
  }

  /**
   * A poller got a task: at once from a waiting poll (sync match) or from the backlog, where it
   * had waited {@code waitedMillis}.
   */
  public void dispatched(String namespaceId, String taskQueue, boolean activity, boolean sticky,
      boolean sync, long waitedMillis) {
    Tags tags = queueTags(namespaceId, taskQueue, activity, sticky);
    counter("poll_success", tags).increment();
    if (sync) {
      counter("poll_success_sync", tags).increment();
    }
    Duration waited = Duration.ofMillis(Math.max(0, waitedMillis));
    timer(sync ? "syncmatch_latency" : "asyncmatch_latency", tags).record(waited);
    timer("task_schedule_to_start_latency", tags).record(waited);
  }

  /** A long poll ended without a task. */
  public void pollTimedOut(String namespaceId, String taskQueue, boolean activity, boolean sticky) {
    counter("poll_timeouts", queueTags(namespaceId, taskQueue, activity, sticky)).increment();
  }

  /** A task was added to a queue no worker has polled recently. */
  public void noPollerTask(String namespaceId, String taskQueue, boolean activity, boolean sticky) {
    counter("no_poller_tasks", queueTags(namespaceId, taskQueue, activity, sticky)).increment();
  }

  /** Where the backlog gauges read from (matching's queues). */
  public void backlogs(Supplier<List<Backlog>> source) {
    this.backlogs = source;
  }

  /**
   * Recomputes the gauges that summarise many objects (backlogs per task queue label): before
   * each scrape, and periodically for registries that are read another way.
   */
  public void refresh() {
    Map<Tags, long[]> byLabels = new HashMap<>();
    for (Backlog b : backlogs.get()) {
      long[] v = byLabels.computeIfAbsent(
          queueTags(b.namespaceId(), b.taskQueue(), b.activity(), b.sticky()), k -> new long[2]);
      v[0] += b.count();
      v[1] = Math.max(v[1], b.oldestAgeMillis());
    }
    List<MultiGauge.Row<?>> counts = new ArrayList<>();
    List<MultiGauge.Row<?>> ages = new ArrayList<>();
    byLabels.forEach((tags, v) -> {
      counts.add(MultiGauge.Row.of(tags, v[0]));
      ages.add(MultiGauge.Row.of(tags, v[1] / 1000.0));
    });
    backlogCount.register(counts, true);
    backlogAge.register(ages, true);
  }

  // ---- timers and schedules

  /** A durable timer fired {@code lateMillis} after it was due. */
  public void timerFired(long lateMillis) {
    timerLateness.record(Duration.ofMillis(Math.max(0, lateMillis)));
  }

  /** A schedule started its workflow. */
  public void scheduleActionSucceeded(String namespace) {
    counter("schedule_action_success", scheduleTags(namespace)).increment();
  }

  /** A schedule skipped a time because it was older than its catchup window. */
  public void scheduleMissedCatchupWindow(String namespace) {
    counter("schedule_missed_catchup_window", scheduleTags(namespace)).increment();
  }

  /** A schedule dropped an action because its buffer of pending actions was full. */
  public void scheduleBufferOverrun(String namespace) {
    counter("schedule_buffer_overruns", scheduleTags(namespace)).increment();
  }

  // ---- cluster

  /** This node took a shard (Temporal's sharditem_created_count). */
  public void shardAcquired() {
    counter("sharditem_created_count", Tags.of("service_name", "history")).increment();
  }

  /** This node gave a shard up (sharditem_removed_count) and whether it lost it (shard_closed_count). */
  public void shardReleased(boolean lost) {
    counter("sharditem_removed_count", Tags.of("service_name", "history")).increment();
    if (lost) {
      counter("shard_closed_count", Tags.of("service_name", "history")).increment();
    }
  }

  /** Shard leases were renewed (Sundial's own: sundial_shard_lease_renewals). */
  public void leasesRenewed(int count) {
    counter("sundial_shard_lease_renewals", Tags.empty()).increment(count);
  }

  /** How many shards this node serves now (Temporal's numshards_gauge). */
  public void shardsOwned(IntSupplier owned) {
    Gauge.builder("numshards_gauge", owned, IntSupplier::getAsInt)
        .tags("service_name", "history").strongReference(true).register(registry);
  }

  /** The set of live nodes changed (Temporal's membership_changed_count). */
  public void membershipChanged() {
    counter("membership_changed_count", Tags.of("service_name", "history")).increment();
  }

  private Tags queueTags(String namespaceId, String taskQueue, boolean activity, boolean sticky) {
    return Tags.of("service_name", "matching", "namespace", namespaceName.apply(namespaceId),
        "taskqueue", sticky ? STICKY : taskQueues.of(taskQueue),
        "task_type", activity ? "Activity" : "Workflow");
  }

  private static Tags scheduleTags(String namespace) {
    return Tags.of("service_name", "worker", "namespace", namespace);
  }

  private record Key(String name, Tags tags) {}

  private Counter counter(String name, Tags tags) {
    return counters.computeIfAbsent(new Key(name, tags), k -> registry.counter(name, tags));
  }

  private Timer timer(String name, Tags tags) {
    return timers.computeIfAbsent(new Key(name, tags), k -> Meters.latency(registry, name, tags));
  }
}
