package dev.sundial.engine.history.workflow;

import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.TimerTask;

/** Adds transfer tasks: outbox rows due at once, processed after commit. */
public final class Transfers {
  private Transfers() {}

  public static void add(ShardTxn txn, MutableState s, TimerKind kind, long eventId) {
    txn.addTimer(
        new TimerTask(
            txn.newTaskId(), txn.shardId(), txn.now(), s.namespaceId, s.workflowId, s.runId, kind.code,
            new TimerRef(eventId, 0, 0, "").encode()));
  }
}
