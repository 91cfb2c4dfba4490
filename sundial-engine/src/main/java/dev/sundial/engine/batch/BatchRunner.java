package dev.sundial.engine.batch;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.visibility.Visibility;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Processes one job: resolves its targets once, then applies the operation target by target. */
final class BatchRunner {
  private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
  /** Progress is written at least this often (and at the end). */
  private static final long PERSIST_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long OPERATION_TIMEOUT_SECONDS = 30;

  private final Clock clock;
  private final RunRouter runs;
  private final Visibility visibility;
  private final BatchJob job;
  private final Consumer<BatchJob> persist;
  private final BooleanSupplier shuttingDown;

  BatchRunner(
      Clock clock, RunRouter runs, Visibility visibility, BatchJob job, Consumer<BatchJob> persist,
      BooleanSupplier shuttingDown) {
    this.clock = clock;
    this.runs = runs;
    this.visibility = visibility;
    this.job = job;
    this.persist = persist;
    this.shuttingDown = shuttingDown;
  }

  void run() {
    try {
      if (job.targets == null) {
        List<BatchJob.Target> targets = resolve();
        synchronized (job) {
          if (!job.running()) {
            return;
          }
          job.targets = targets;
          persist.accept(job);
        }
      }
      process();
    } catch (RuntimeException e) {
      log.warn("batch job {} failed: {}", job.jobId, e.toString());
      synchronized (job) {
        if (job.running() && !shuttingDown.getAsBoolean()) {
          job.state = BatchOperationState.BATCH_OPERATION_STATE_FAILED;
          job.closeMillis = clock.millis();
          persist.accept(job);
        }
      }
    }
  }

  /**
   * The explicit executions, or every execution the visibility query matches; for terminate,
   * cancel and signal only running ones (as Temporal narrows the query).
   */
  private List<BatchJob.Target> resolve() {
    StartBatchOperationRequest req = job.request;
    List<BatchJob.Target> targets = new ArrayList<>();
    if (req.getExecutionsCount() > 0) {
      req.getExecutionsList()
          .forEach(e -> targets.add(new BatchJob.Target(e.getWorkflowId(), e.getRunId())));
      return targets;
    }
    String query = runningOnly(req) ? adjust(req.getVisibilityQuery()) : req.getVisibilityQuery();
    ByteString token = ByteString.EMPTY;
    do {
      if (shuttingDown.getAsBoolean()) {
        throw new IllegalStateException("shutting down");
      }
      Visibility.Page page =
          visibility.list(job.namespaceId, query, Visibility.MAX_PAGE_SIZE, token);
      for (WorkflowExecutionInfo info : page.executions()) {
        targets.add(
            new BatchJob.Target(
                info.getExecution().getWorkflowId(), info.getExecution().getRunId()));
      }
      token = page.nextPageToken();
    } while (!token.isEmpty());
    return targets;
  }

  static boolean runningOnly(StartBatchOperationRequest req) {
    return switch (req.getOperationCase()) {
      case TERMINATION_OPERATION, CANCELLATION_OPERATION, SIGNAL_OPERATION -> true;
      default -> false;
    };
  }

  static String adjust(String query) {
    return query.isBlank() ? "ExecutionStatus = 'Running'"
        : "(" + query + ") AND (ExecutionStatus = 'Running')";
  }

  private void process() {
    double rps =
        job.request.getMaxOperationsPerSecond() > 0
            ? job.request.getMaxOperationsPerSecond()
            : BatchService.DEFAULT_OPERATIONS_PER_SECOND;
    long interval = (long) (1e9 / rps);
    long next = System.nanoTime();
    long lastPersist = System.nanoTime();
    while (true) {
      BatchJob.Target target;
      int index;
      synchronized (job) {
        if (!job.running()) {
          return;
        }
        if (shuttingDown.getAsBoolean()) {
          persist.accept(job);
          return;
        }
        if (job.cursor >= job.targets.size()) {
          job.state = BatchOperationState.BATCH_OPERATION_STATE_COMPLETED;
          job.closeMillis = clock.millis();
          persist.accept(job);
          return;
        }
        index = job.cursor;
        target = job.targets.get(index);
      }
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          persist.accept(job);
          return;
        }
      }
      next = Math.max(next + interval, System.nanoTime() - interval);
      boolean ok = apply(target, index);
      synchronized (job) {
        if (!job.running()) {
          return; // stopped while this one was in flight: its outcome is not counted
        }
        if (ok) {
          job.success++;
        } else {
          job.failure++;
        }
        job.cursor = index + 1;
        if (System.nanoTime() - lastPersist >= PERSIST_EVERY_NANOS) {
          persist.accept(job);
          lastPersist = System.nanoTime();
        }
      }
    }
  }

  /**
   * Applies the operation to one execution. An execution that no longer exists or has already
   * closed counts as done (Temporal's batcher skips NotFound); any other error is a failure.
   */
  private boolean apply(BatchJob.Target t, int index) {
    StartBatchOperationRequest req = job.request;
    String ns = job.namespaceId;
    // Deterministic per target, so a step repeated after a crash is deduplicated.
    String requestId = "batch-" + job.jobId + "-" + index;
    CompletableFuture<?> f;
    try {
      f =
          switch (req.getOperationCase()) {
            case TERMINATION_OPERATION -> {
              var op = req.getTerminationOperation();
              yield runs.run(ns, t.workflowId()).terminate(
                  ns, t.workflowId(), t.runId(), "", req.getReason(),
                  op.hasDetails() ? op.getDetails() : null, op.getIdentity());
            }
            case CANCELLATION_OPERATION ->
                runs.run(ns, t.workflowId()).requestCancel(
                    ns,
                    RequestCancelWorkflowExecutionRequest.newBuilder()
                        .setNamespace(req.getNamespace())
                        .setWorkflowExecution(BatchService.execution(t))
                        .setIdentity(req.getCancellationOperation().getIdentity())
                        .setRequestId(requestId)
                        .setReason(req.getReason())
                        .build());
            case SIGNAL_OPERATION -> {
              var op = req.getSignalOperation();
              var s =
                  SignalWorkflowExecutionRequest.newBuilder()
                      .setNamespace(req.getNamespace())
                      .setWorkflowExecution(BatchService.execution(t))
                      .setSignalName(op.getSignal())
                      .setIdentity(op.getIdentity())
                      .setRequestId(requestId);
              if (op.hasInput()) {
                s.setInput(op.getInput());
              }
              if (op.hasHeader()) {
                s.setHeader(op.getHeader());
              }
              yield runs.run(ns, t.workflowId()).signal(ns, s.build());
            }
            case DELETION_OPERATION ->
                runs.run(ns, t.workflowId()).delete(ns, t.workflowId(), t.runId());
            default ->
                throw EngineException.invalidArgument(
                    "batch operation " + req.getOperationCase() + " is not supported yet");
          };
      f.get(OPERATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return notFound(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (TimeoutException e) {
      return false;
    } catch (RuntimeException e) {
      return notFound(e);
    }
  }

  private static boolean notFound(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof EngineException ee && ee.code() == EngineException.Code.NOT_FOUND;
  }
}
