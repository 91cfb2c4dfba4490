package dev.sundial.engine.history.update;

import com.google.protobuf.Any;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.UpdateRecord;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.protocol.v1.Message;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The in-flight workflow updates of every run, in memory. Updates that were only admitted are lost
 * with the process (the caller retries, as with Temporal); accepted and completed ones are found
 * again from the run's {@link UpdateRecord}s and history.
 *
 * <p>State changes happen on the shard mailbox of the run; the commit callbacks (run closed,
 * outcomes published) come from the committer thread, so each run's map is guarded by its lock.
 */
public final class UpdateRegistry {
  /** Temporal's defaults: history.maxInFlightUpdates and history.maxTotalUpdates. */
  public static final int MAX_IN_FLIGHT = 10;

  public static final int MAX_TOTAL = UpdateRecord.MAX_PER_RUN;

  /** The server's rejection of an update the worker left unanswered on its workflow task. */
  static final Failure UNPROCESSED =
      serverFailure(
          "Workflow Update is rejected because it wasn't processed by worker. Probably, Workflow"
              + " Update is not supported by the worker.",
          "UnprocessedUpdate");

  /** The outcome of an accepted update whose run closed before the update completed. */
  static final Failure ACCEPTED_UPDATE_COMPLETED_WORKFLOW =
      serverFailure(
          "Workflow Update failed because the Workflow completed before the Update completed.",
          "AcceptedUpdateCompletedWorkflow");

  /** Reads one committed event of a run (null when absent). */
  public interface EventReader {
    HistoryEvent read(String namespaceId, String runId, long eventId);
  }

  private static final class Run {
    final Map<String, Update> byId = new LinkedHashMap<>();
    boolean dead;
  }

  private final Map<RunKey, Run> runs = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile EventReader reader;

  public void setEventReader(EventReader reader) {
    this.reader = reader;
  }

  static RunKey key(MutableState s) {
    return new RunKey(s.namespaceId, s.workflowId, s.runId);
  }

  /** Runs f under the run's lock (with null when the run has no entry and create is false). */
  private <T> T withRun(RunKey k, boolean create, Function<Run, T> f) {
    while (true) {
      Run r = create ? runs.computeIfAbsent(k, x -> new Run()) : runs.get(k);
      if (r == null) {
        return f.apply(null);
      }
      synchronized (r) {
        if (!r.dead) {
          return f.apply(r);
        }
      }
      runs.remove(k, r);
    }
  }

  // ------------------------------------------------------------------ lookups

  /** The update with this id: in memory, or rebuilt from the run's records; null when unknown. */
  public Update find(MutableState s, String id) {
    Update u = withRun(key(s), false, r -> r == null ? null : r.byId.get(id));
    if (u != null) {
      return u;
    }
    UpdateRecord rec = s.updates.get(id);
    if (rec == null) {
      return null;
    }
    if (rec.completedEventId > 0) {
      return Update.completed(id, readOutcome(s, rec.completedEventId));
    }
    if (!s.isRunning()) {
      return Update.completed(
          id, Outcome.newBuilder().setFailure(ACCEPTED_UPDATE_COMPLETED_WORKFLOW).build());
    }
    // Accepted before this process started: track it again so its completion reaches waiters.
    return withRun(
        key(s), true,
        r ->
            r.byId.computeIfAbsent(
                id,
                x -> {
                  Update a = new Update(id, seq.incrementAndGet(), null, Update.State.ACCEPTED);
                  a.acceptedEventId = rec.acceptedEventId;
                  a.accepted.complete(null);
                  return a;
                }));
  }

  /** The state an update message from a worker would find (null when unknown). */
  Update.State stateOf(MutableState s, String id) {
    Update u = withRun(key(s), false, r -> r == null ? null : r.byId.get(id));
    if (u != null) {
      return u.state;
    }
    UpdateRecord rec = s.updates.get(id);
    if (rec == null) {
      return null;
    }
    return rec.completedEventId > 0 ? Update.State.COMPLETED : Update.State.ACCEPTED;
  }

  private Outcome readOutcome(MutableState s, long eventId) {
    EventReader r = reader;
    HistoryEvent e = r == null ? null : r.read(s.namespaceId, s.runId, eventId);
    if (e == null || !e.hasWorkflowExecutionUpdateCompletedEventAttributes()) {
      throw new EngineException(
          EngineException.Code.INTERNAL, "workflow update completion event " + eventId + " missing");
    }
    return e.getWorkflowExecutionUpdateCompletedEventAttributes().getOutcome();
  }

  /** Whether updates wait for a workflow task: ADMITTED ones, and SENT ones when asked. */
  public boolean hasPending(MutableState s, boolean includeSent) {
    return withRun(
        key(s), false,
        r -> {
          if (r == null) return false;
          for (Update u : r.byId.values()) {
            if (u.state == Update.State.ADMITTED
                || (includeSent && u.state == Update.State.SENT)) {
              return true;
            }
          }
          return false;
        });
  }

  // ------------------------------------------------------------------ transitions

  /** Admits a new update (the caller knows its id is unused), enforcing the per-run limits. */
  public Update admit(MutableState s, Request request) {
    return withRun(
        key(s), true,
        r -> {
          int inFlight = 0;
          int unrecorded = 0;
          for (Update u : r.byId.values()) {
            if (u.inFlight()) inFlight++;
            if (u.inFlight() && !s.updates.containsKey(u.id)) unrecorded++;
          }
          if (inFlight >= MAX_IN_FLIGHT) {
            throw new EngineException(
                EngineException.Code.RESOURCE_EXHAUSTED,
                "limit on number of concurrent in-flight updates has been reached ("
                    + MAX_IN_FLIGHT + ")");
          }
          if (s.updates.size() + unrecorded >= MAX_TOTAL) {
            throw new EngineException(
                EngineException.Code.FAILED_PRECONDITION,
                "The limit on the total number of distinct updates in this workflow has been"
                    + " reached (" + MAX_TOTAL + "). Make sure any duplicate updates share an"
                    + " Update ID so the server can deduplicate them, and consider rejecting"
                    + " updates that you aren't going to process. You can also Continue-as-New"
                    + " to avoid this.");
          }
          String id = request.getMeta().getUpdateId();
          Update u = new Update(id, seq.incrementAndGet(), request, Update.State.ADMITTED);
          r.byId.put(id, u);
          return u;
        });
  }

  /** Recreates an update the server lost from the request a worker echoed back. */
  Update resurrect(MutableState s, String id, Request request) {
    return withRun(
        key(s), true,
        r -> {
          Update u = new Update(id, seq.incrementAndGet(), request, Update.State.ADMITTED);
          r.byId.put(id, u);
          return u;
        });
  }

  /** Drops an update whose admission was not committed, telling its callers to retry. */
  public void forget(RunKey k, Update u) {
    withRun(
        k, false,
        r -> {
          if (r != null && r.byId.get(u.id) == u && u.state == Update.State.ADMITTED) {
            r.byId.remove(u.id);
          }
          return null;
        });
    if (u.state == Update.State.ADMITTED) {
      u.fail(UpdateAbortedException.cleared());
    }
  }

  /**
   * The request messages for a workflow task that starts now: every update not yet answered by a
   * worker (a request sent on a task that failed or timed out is sent again).
   */
  public List<Message> send(MutableState s, long startedEventId) {
    return withRun(
        key(s), false,
        r -> {
          List<Message> out = new ArrayList<>();
          if (r == null) return out;
          List<Update> pending = new ArrayList<>();
          for (Update u : r.byId.values()) {
            if ((u.state == Update.State.ADMITTED || u.state == Update.State.SENT)
                && u.request != null) {
              pending.add(u);
            }
          }
          pending.sort((a, b) -> Long.compare(a.seq, b.seq));
          for (Update u : pending) {
            u.state = Update.State.SENT;
            out.add(
                Message.newBuilder()
                    .setId(requestMessageId(u.id))
                    .setProtocolInstanceId(u.id)
                    // Messages are handled after all events of the task (Temporal does the same).
                    .setEventId(startedEventId - 1)
                    .setBody(Any.pack(u.request))
                    .build());
          }
          return out;
        });
  }

  static String requestMessageId(String updateId) {
    return updateId + "/request";
  }

  /** Sent updates the worker did not answer on its completed task: rejected on its behalf. */
  List<Update> rejectUnprocessed(MutableState s) {
    return withRun(
        key(s), false,
        r -> {
          List<Update> rejected = new ArrayList<>();
          if (r == null) return rejected;
          for (Update u : r.byId.values()) {
            if (u.state == Update.State.SENT) {
              u.state = Update.State.REJECTED;
              u.request = null;
              u.finalOutcome = Outcome.newBuilder().setFailure(UNPROCESSED).build();
              rejected.add(u);
            }
          }
          return rejected;
        });
  }

  /**
   * The workflow task that carried updates failed while completing: updates the workflow saw fail
   * (as Temporal does); ones not yet sent wait for the next task.
   */
  public void onWorkflowTaskFailed(ShardTxn txn, MutableState s) {
    List<Update> failed =
        withRun(
            key(s), false,
            r -> {
              List<Update> out = new ArrayList<>();
              if (r == null) return out;
              for (Update u : List.copyOf(r.byId.values())) {
                if (u.state == Update.State.SENT) {
                  u.state = Update.State.ABORTED;
                  r.byId.remove(u.id);
                  out.add(u);
                }
              }
              return out;
            });
    if (!failed.isEmpty()) {
      txn.afterCommit(() -> failed.forEach(u -> u.fail(UpdateAbortedException.workflowTaskFailed())));
    }
  }

  /** After a commit: publishes decided outcomes and stops tracking finished updates. */
  void settle(RunKey k, Collection<Update> decided) {
    withRun(
        k, false,
        r -> {
          if (r == null) return null;
          for (Update u : decided) {
            if (!u.inFlight() && r.byId.get(u.id) == u) {
              r.byId.remove(u.id);
            }
          }
          if (r.byId.isEmpty()) {
            r.dead = true;
            runs.remove(k, r);
          }
          return null;
        });
    decided.forEach(Update::publish);
  }

  /**
   * The run closed (committed): updates not accepted yet end with an error, accepted ones with a
   * failure outcome, as Temporal does.
   */
  public void runClosed(RunKey k) {
    Run r = runs.remove(k);
    if (r == null) return;
    List<Update> notAccepted = new ArrayList<>();
    List<Update> accepted = new ArrayList<>();
    synchronized (r) {
      r.dead = true;
      for (Update u : r.byId.values()) {
        switch (u.state) {
          case ADMITTED, SENT -> notAccepted.add(u);
          case ACCEPTED -> accepted.add(u);
          default -> {} // decided in the closing operation; its commit callback publishes it
        }
        if (u.inFlight()) u.state = Update.State.ABORTED;
      }
      r.byId.clear();
    }
    notAccepted.forEach(u -> u.fail(UpdateAbortedException.closing()));
    for (Update u : accepted) {
      u.outcome.complete(
          Outcome.newBuilder().setFailure(ACCEPTED_UPDATE_COMPLETED_WORKFLOW).build());
      u.accepted.complete(null);
    }
  }

  /**
   * A write for the run failed: what the registry holds may be ahead of what is stored, so every
   * update still open is dropped with a retryable error (accepted ones are found again later).
   */
  public void clear(RunKey k) {
    Run r = runs.remove(k);
    if (r == null) return;
    List<Update> all;
    synchronized (r) {
      r.dead = true;
      all = List.copyOf(r.byId.values());
      r.byId.clear();
    }
    for (Update u : all) {
      u.fail(UpdateAbortedException.cleared());
    }
  }

  /** Clears every run selected (their shard moved to another node, which rebuilds them). */
  public void clearIf(Predicate<RunKey> selected) {
    for (RunKey k : List.copyOf(runs.keySet())) {
      if (selected.test(k)) {
        clear(k);
      }
    }
  }

  private static Failure serverFailure(String message, String type) {
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setApplicationFailureInfo(
            ApplicationFailureInfo.newBuilder().setType(type).setNonRetryable(true))
        .build();
  }
}
