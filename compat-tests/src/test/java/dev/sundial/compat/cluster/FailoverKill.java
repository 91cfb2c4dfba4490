package dev.sundial.compat.cluster;

import dev.sundial.compat.cluster.FailoverWorkload.Progress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One kill of a node in {@link ClusterFailoverTest} and what followed, measured from the activity
 * executions the workers recorded: the longest pause in progress after the kill, the first activity
 * of any workflow, and the first one started after the kill by a workflow whose shard the killed
 * node owned. Printed as a {@code FAILOVER ...} line; benchmarks are not asserted.
 */
final class FailoverKill {
  final String nodeId;
  final long killedAt;
  final int runsAtKill;
  final Set<String> orphaned; // workflows whose shard the node owned when it died
  final String queueOwner;
  long restartedAt;
  long readyAt;
  String line = "";

  FailoverKill(
      String nodeId, long killedAt, int runsAtKill, Set<String> orphaned, String queueOwner) {
    this.nodeId = nodeId;
    this.killedAt = killedAt;
    this.runsAtKill = runsAtKill;
    this.orphaned = orphaned;
    this.queueOwner = queueOwner;
  }

  void report(List<Progress> progress, long windowEnd) {
    List<Long> ends =
        progress.stream()
            .map(Progress::endNanos)
            .filter(t -> t >= killedAt && t <= windowEnd)
            .sorted()
            .collect(Collectors.toList());
    long gap = 0;
    long previous = killedAt;
    for (long t : ends) {
      gap = Math.max(gap, t - previous);
      previous = t;
    }
    long firstAfter = ends.isEmpty() ? -1 : ends.get(0) - killedAt;
    long orphanFirst =
        progress.stream()
            .filter(p -> p.startNanos() >= killedAt && orphaned.contains(p.workflowId()))
            .mapToLong(Progress::endNanos)
            .min()
            .orElse(-1);
    line =
        String.format(
            "FAILOVER kill=%s gap_ms=%d first_progress_ms=%d first_orphan_activity_ms=%s"
                + " orphaned_workflows=%d queue_partition_owner=%s restart_ms=%d ready_ms=%d"
                + " runs_at_kill=%d",
            nodeId,
            gap / 1_000_000,
            firstAfter < 0 ? -1 : firstAfter / 1_000_000,
            orphanFirst < 0 ? "none" : Long.toString((orphanFirst - killedAt) / 1_000_000),
            orphaned.size(),
            queueOwner,
            (restartedAt - killedAt) / 1_000_000,
            (readyAt - killedAt) / 1_000_000,
            runsAtKill);
  }
}
