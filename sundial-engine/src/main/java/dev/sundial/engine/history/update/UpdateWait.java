package dev.sundial.engine.history.update;

import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.update.v1.Outcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waiting for an update to reach a lifecycle stage. When the wait budget runs out first, the
 * stage reached so far is the answer (ADMITTED, or ACCEPTED), not an error, as with Temporal; an
 * update that ended without an outcome answers with its {@link UpdateAbortedException}.
 */
public final class UpdateWait {
  private UpdateWait() {}

  /** The stage an update reached, with its outcome once COMPLETED. */
  public record Status(UpdateWorkflowExecutionLifecycleStage stage, Outcome outcome) {}

  public static CompletableFuture<Status> await(
      Update u, UpdateWorkflowExecutionLifecycleStage stage, long deadlineMillis,
      ScheduledExecutorService scheduler) {
    CompletableFuture<?> watched =
        switch (stage) {
          case UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED -> u.outcome;
          case UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED -> u.accepted;
          default -> null; // ADMITTED / unspecified: where it is now
        };
    long remaining = deadlineMillis - System.currentTimeMillis();
    if (watched == null || watched.isDone() || remaining <= 0) {
      return settle(u);
    }
    CompletableFuture<Status> result = new CompletableFuture<>();
    ScheduledFuture<?> timeout =
        scheduler.schedule(() -> complete(result, u), remaining, TimeUnit.MILLISECONDS);
    watched.whenComplete(
        (v, e) -> {
          timeout.cancel(false);
          complete(result, u);
        });
    return result;
  }

  private static void complete(CompletableFuture<Status> result, Update u) {
    try {
      result.complete(status(u));
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  private static CompletableFuture<Status> settle(Update u) {
    CompletableFuture<Status> result = new CompletableFuture<>();
    complete(result, u);
    return result;
  }

  /** The most advanced stage reached; throws the abort error of an update that ended without one. */
  static Status status(Update u) {
    if (doneNormally(u.outcome)) {
      return new Status(
          UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
          u.outcome.join());
    }
    if (doneNormally(u.accepted)) {
      Failure rejection = u.accepted.join();
      if (rejection != null) {
        return new Status(
            UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
            Outcome.newBuilder().setFailure(rejection).build());
      }
      // Accepted; if its outcome was lost with the server's memory, ACCEPTED is still true.
      return new Status(
          UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED,
          null);
    }
    Throwable error = errorOf(u.accepted);
    if (error == null) error = errorOf(u.outcome);
    if (error != null) {
      throw error instanceof RuntimeException r ? r : new CompletionException(error);
    }
    return new Status(
        UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
        null);
  }

  private static boolean doneNormally(CompletableFuture<?> f) {
    return f.isDone() && !f.isCompletedExceptionally();
  }

  private static Throwable errorOf(CompletableFuture<?> f) {
    if (!f.isCompletedExceptionally()) return null;
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
