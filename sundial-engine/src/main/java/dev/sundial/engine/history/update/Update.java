package dev.sundial.engine.history.update;

import io.temporal.api.failure.v1.Failure;
import io.temporal.api.update.v1.Outcome;
import io.temporal.api.update.v1.Request;
import java.util.concurrent.CompletableFuture;

/**
 * One workflow update as the server tracks it in memory. Its state changes on the shard mailbox of
 * its run while an operation runs; the futures callers wait on are completed only after the
 * operation's writes are committed.
 */
public final class Update {
  /** Where the update is; ADMITTED and SENT exist only in memory. */
  public enum State {
    /** Received, waiting for a workflow task to carry it to the worker. */
    ADMITTED,
    /** Handed to a worker on a workflow task that has not completed yet. */
    SENT,
    /** The worker accepted it: WorkflowExecutionUpdateAccepted is in history. */
    ACCEPTED,
    /** WorkflowExecutionUpdateCompleted is in history. */
    COMPLETED,
    /** The worker (or the server on its behalf) rejected it; nothing is in history. */
    REJECTED,
    /** Ended without an outcome from the workflow (see {@link UpdateAbortedException}). */
    ABORTED
  }

  final String id;
  /** Admission order, the order requests are handed to the worker in. */
  final long seq;
  /** The request while it is not in history yet (null once accepted or when rebuilt from it). */
  Request request;

  volatile State state;
  long acceptedEventId;
  /** Set in the operation that decides it; published to the futures after the commit. */
  Outcome finalOutcome;

  /** Completes with null when accepted, or with the rejection failure. */
  final CompletableFuture<Failure> accepted = new CompletableFuture<>();

  final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

  Update(String id, long seq, Request request, State state) {
    this.id = id;
    this.seq = seq;
    this.request = request;
    this.state = state;
  }

  /** An update whose outcome is already known (read back from history). */
  static Update completed(String id, Outcome outcome) {
    Update u = new Update(id, -1, null, State.COMPLETED);
    u.finalOutcome = outcome;
    u.outcome.complete(outcome);
    u.accepted.complete(null);
    return u;
  }

  public String id() {
    return id;
  }

  public State state() {
    return state;
  }

  boolean inFlight() {
    return state == State.ADMITTED || state == State.SENT || state == State.ACCEPTED;
  }

  /** Publishes a decided outcome: the outcome future first, so an ACCEPTED waiter sees both. */
  void publish() {
    switch (state) {
      case COMPLETED -> {
        outcome.complete(finalOutcome);
        accepted.complete(null);
      }
      case REJECTED -> {
        outcome.complete(finalOutcome);
        accepted.complete(finalOutcome.getFailure());
      }
      case ACCEPTED -> accepted.complete(null);
      default -> {}
    }
  }

  void fail(Throwable error) {
    outcome.completeExceptionally(error);
    accepted.completeExceptionally(error);
  }
}
