package dev.sundial.engine.matching;

import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import java.util.List;

/**
 * What matching knows of one task queue (one type) for DescribeTaskQueue: the pollers seen within
 * the poller history TTL (identity, last access time, rate per second, versioning details), the
 * backlog size and the age of its oldest task, and the add / dispatch rates over the last minute.
 */
public record TaskQueueStats(
    List<PollerInfo> pollers,
    long backlogCount,
    long backlogAgeMillis,
    float addRatePerSecond,
    float dispatchRatePerSecond,
    long oldestTaskId) {

  /** Temporal's matching.PollerHistoryTTL: a poller is forgotten 5 minutes after its last poll. */
  public static final long POLLER_HISTORY_TTL_MILLIS = 5 * 60_000;

  /** Temporal's default task dispatch rate, reported when a poller asks for no limit. */
  public static final double DEFAULT_RATE_PER_SECOND = 100_000;

  public static PollerInfo poller(PollWorkflowTaskQueueRequest req) {
    PollerInfo.Builder b =
        PollerInfo.newBuilder().setIdentity(req.getIdentity()).setRatePerSecond(DEFAULT_RATE_PER_SECOND);
    if (req.hasWorkerVersionCapabilities()) b.setWorkerVersionCapabilities(req.getWorkerVersionCapabilities());
    if (req.hasDeploymentOptions()) b.setDeploymentOptions(req.getDeploymentOptions());
    return b.build();
  }

  public static PollerInfo poller(PollActivityTaskQueueRequest req) {
    PollerInfo.Builder b =
        PollerInfo.newBuilder()
            .setIdentity(req.getIdentity())
            .setRatePerSecond(
                req.getTaskQueueMetadata().hasMaxTasksPerSecond()
                    ? req.getTaskQueueMetadata().getMaxTasksPerSecond().getValue()
                    : DEFAULT_RATE_PER_SECOND);
    if (req.hasWorkerVersionCapabilities()) b.setWorkerVersionCapabilities(req.getWorkerVersionCapabilities());
    if (req.hasDeploymentOptions()) b.setDeploymentOptions(req.getDeploymentOptions());
    return b.build();
  }
}
