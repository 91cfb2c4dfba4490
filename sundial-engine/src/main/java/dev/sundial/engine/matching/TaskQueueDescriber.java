package dev.sundial.engine.matching;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.state.Durations;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.enums.v1.BuildIdTaskReachability;
import io.temporal.api.enums.v1.DescribeTaskQueueMode;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueuePartitionMetadata;
import io.temporal.api.taskqueue.v1.TaskQueueStatus;
import io.temporal.api.taskqueue.v1.TaskQueueTypeInfo;
import io.temporal.api.taskqueue.v1.TaskQueueVersionInfo;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.ListTaskQueuePartitionsResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * DescribeTaskQueue from matching's view of a queue. The legacy form describes one queue type:
 * its pollers (identity, last access time, rate per second), the task queue status when asked
 * (backlog count hint, dispatch rate) and the stats when asked (approximate backlog count and age,
 * add and dispatch rates). The enhanced form (api_mode ENHANCED) reports pollers and stats per
 * queue type under the unversioned build id "" (Sundial has no worker versioning).
 */
public final class TaskQueueDescriber {
  /** Temporal's default priority key: tasks without a priority are reported under it. */
  static final int DEFAULT_PRIORITY_KEY = 3;

  private final Matching matching;
  private final BiFunction<String, String, String> partitionOwner;

  /**
   * Built from this node's matching and the address of the node serving a queue's partition
   * (null when not clustered, "" while no node does).
   */
  public TaskQueueDescriber(
      Matching matching, BiFunction<String, String, String> partitionOwner) {
    this.matching = matching;
    this.partitionOwner = partitionOwner;
  }

  /**
   * A task queue lives in one matching partition (the shard it hashes to), for workflow and
   * activity tasks alike: one partition each, owned by the node that owns that shard (this one
   * when not clustered).
   */
  public ListTaskQueuePartitionsResponse partitions(
      String namespaceId, String taskQueue, String thisNode) {
    String owner =
        Objects.requireNonNullElse(partitionOwner.apply(namespaceId, taskQueue), thisNode);
    var meta = TaskQueuePartitionMetadata.newBuilder()
        .setKey(taskQueue).setOwnerHostName(owner).build();
    return ListTaskQueuePartitionsResponse.newBuilder()
        .addWorkflowTaskQueuePartitions(meta).addActivityTaskQueuePartitions(meta).build();
  }

  public DescribeTaskQueueResponse describe(String namespaceId, DescribeTaskQueueRequest req) {
    String name = req.getTaskQueue().getName();
    if (req.getApiMode() == DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED) {
      return enhanced(namespaceId, name, req);
    }
    TaskQueueType type =
        req.getTaskQueueType() == TaskQueueType.TASK_QUEUE_TYPE_UNSPECIFIED
            ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
            : req.getTaskQueueType();
    TaskQueueStats stats = stats(namespaceId, name, type);
    DescribeTaskQueueResponse.Builder b =
        DescribeTaskQueueResponse.newBuilder().addAllPollers(stats.pollers());
    if (req.getIncludeTaskQueueStatus()) {
      b.setTaskQueueStatus(
          TaskQueueStatus.newBuilder()
              .setBacklogCountHint(stats.backlogCount())
              .setAckLevel(Math.max(0, stats.oldestTaskId() - 1))
              .setReadLevel(Math.max(0, stats.oldestTaskId() - 1))
              .setRatePerSecond(TaskQueueStats.DEFAULT_RATE_PER_SECOND));
    }
    if (req.getReportStats()) {
      var s = protoStats(stats);
      b.setStats(s).putStatsByPriorityKey(DEFAULT_PRIORITY_KEY, s);
    }
    return b.build();
  }

  private DescribeTaskQueueResponse enhanced(
      String namespaceId, String name, DescribeTaskQueueRequest req) {
    if (req.getTaskQueue().getKind() == TaskQueueKind.TASK_QUEUE_KIND_STICKY) {
      throw EngineException.invalidArgument(
          "Enhanced DescribeTaskQueue is not valid for a sticky queue, use api_mode=UNSPECIFIED or"
              + " a normal queue.");
    }
    List<TaskQueueType> types =
        req.getTaskQueueTypesCount() == 0
            ? List.of(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
            : req.getTaskQueueTypesList();
    Set<String> buildIds = new LinkedHashSet<>();
    if (!req.hasVersions()
        || req.getVersions().getUnversioned()
        || req.getVersions().getAllActive()) {
      buildIds.add(""); // the unversioned queue
    }
    if (req.hasVersions()) {
      buildIds.addAll(req.getVersions().getBuildIdsList());
    }
    DescribeTaskQueueResponse.Builder b = DescribeTaskQueueResponse.newBuilder();
    for (String buildId : buildIds) {
      TaskQueueVersionInfo.Builder v = TaskQueueVersionInfo.newBuilder();
      for (TaskQueueType type : types) {
        TaskQueueTypeInfo.Builder t = TaskQueueTypeInfo.newBuilder();
        if (buildId.isEmpty() && type != TaskQueueType.TASK_QUEUE_TYPE_NEXUS) {
          TaskQueueStats stats = stats(namespaceId, name, type);
          if (req.getReportPollers()) t.addAllPollers(stats.pollers());
          if (req.getReportStats()) t.setStats(protoStats(stats));
        } else if (req.getReportStats()) {
          t.setStats(io.temporal.api.taskqueue.v1.TaskQueueStats.getDefaultInstance());
        }
        v.putTypesInfo(type.getNumber(), t.build());
      }
      if (req.getReportTaskReachability()) {
        // Unversioned tasks can always be picked up; Sundial never routes to a build id.
        v.setTaskReachability(
            buildId.isEmpty()
                ? BuildIdTaskReachability.BUILD_ID_TASK_REACHABILITY_REACHABLE
                : BuildIdTaskReachability.BUILD_ID_TASK_REACHABILITY_UNREACHABLE);
      }
      b.putVersionsInfo(buildId, v.build());
    }
    return b.build();
  }

  private TaskQueueStats stats(String namespaceId, String name, TaskQueueType type) {
    int kind = type == TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY ? QueueTask.KIND_ACTIVITY : QueueTask.KIND_WORKFLOW;
    if (type == TaskQueueType.TASK_QUEUE_TYPE_NEXUS) {
      return new TaskQueueStats(List.of(), 0, 0, 0, 0, 0); // no Nexus in Sundial
    }
    return matching.stats(
        new TaskQueueKey(namespaceId, name, kind),
        System.currentTimeMillis() - TaskQueueStats.POLLER_HISTORY_TTL_MILLIS);
  }

  private static io.temporal.api.taskqueue.v1.TaskQueueStats protoStats(TaskQueueStats s) {
    return io.temporal.api.taskqueue.v1.TaskQueueStats.newBuilder()
        .setApproximateBacklogCount(s.backlogCount())
        .setApproximateBacklogAge(Durations.ofMillis(s.backlogAgeMillis()))
        .setTasksAddRate(s.addRatePerSecond())
        .setTasksDispatchRate(s.dispatchRatePerSecond())
        .build();
  }
}
