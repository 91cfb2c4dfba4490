package dev.sundial.engine.retention;

import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.TimerTask;

/**
 * Namespace retention: every run that closes gets a durable {@link TimerKind#RETENTION_DELETE}
 * task, written in the transaction that closes it, due at close time + the namespace's retention
 * as configured at that moment (so an UpdateNamespace changes the retention of runs closed
 * afterwards, as with Temporal). When it fires, the run is deleted everywhere: state, history,
 * current-run pointer (if it still points at the run), outbox rows and visibility row.
 */
public final class Retention {
  private Retention() {}

  /** Adds the retention task of a run that is closing in this transaction. */
  public static void schedule(ShardTxn txn, MutableState s) {
    long ttl = txn.retentionMillis(s.namespaceId);
    if (ttl <= 0) {
      return; // retention unknown (namespace gone) or disabled: keep the run
    }
    long closeTime = s.closeTime > 0 ? s.closeTime : txn.now();
    txn.addTimer(
        new TimerTask(
            txn.newTaskId(), txn.shardId(), saturatedAdd(closeTime, ttl), s.namespaceId,
            s.workflowId, s.runId, TimerKind.RETENTION_DELETE.code, new TimerRef(0, 0, 0, "").encode()));
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
