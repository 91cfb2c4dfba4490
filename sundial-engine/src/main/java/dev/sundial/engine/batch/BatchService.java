package dev.sundial.engine.batch;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.cluster.ShardMap;
import dev.sundial.engine.visibility.Visibility;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.batch.BatchRecord;
import dev.sundial.persistence.batch.BatchStore;
import io.temporal.api.batch.v1.BatchOperationInfo;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationResponse;
import io.temporal.api.workflowservice.v1.ListBatchOperationsResponse;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch operations: jobs are stored (request, targets, counts, cursor) before StartBatchOperation
 * answers, and processed in the background, one thread per running job, at a bounded rate. A
 * restart resumes every running job from its stored cursor; finished jobs stay describable.
 */
public final class BatchService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BatchService.class);
  /** Temporal's default batch rate per namespace when the request sets none. */
  static final double DEFAULT_OPERATIONS_PER_SECOND = 50;
  public static final int MAX_PAGE_SIZE = 1000;

  private final Clock clock;
  private final ShardMap shards;
  private final RunRouter runs;
  private final Visibility visibility;
  private final BatchStore store;
  private final Map<String, BatchJob> live = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private volatile boolean closed;

  public BatchService(
      Clock clock, ShardMap shards, RunRouter runs, Visibility visibility, Store store) {
    this.clock = clock;
    this.shards = shards;
    this.runs = runs;
    this.visibility = visibility;
    this.store = store.batches();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "sundial-batch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  private static String key(String namespaceId, String jobId) {
    return namespaceId + "/" + jobId;
  }

  /** Resumes the jobs a previous process left running. */
  public void start() {
    resume(shard -> true);
  }

  /** Cluster: this node now serves the shard; its running jobs continue here. */
  public void shardAcquired(int shardId) {
    resume(shard -> shard == shardId);
  }

  /** A job runs on the node serving the shard its namespace and job id hash to. */
  private int shardOf(String namespaceId, String jobId) {
    return shards.shardIndex(namespaceId, jobId);
  }

  private void resume(IntPredicate shardFilter) {
    for (BatchRecord r : store.runningBatches()) {
      int shard = shardOf(r.namespaceId(), r.jobId());
      if (!shards.ownsShard(shard) || !shardFilter.test(shard)
          || live.containsKey(key(r.namespaceId(), r.jobId()))) {
        continue;
      }
      BatchJob job;
      try {
        job = BatchJob.fromRecord(r);
      } catch (RuntimeException e) {
        log.warn("batch job {} cannot be resumed: {}", r.jobId(), e.toString());
        continue;
      }
      launch(job);
    }
  }

  private void launch(BatchJob job) {
    live.put(key(job.namespaceId, job.jobId), job);
    int shard = shardOf(job.namespaceId, job.jobId);
    BatchRunner runner =
        new BatchRunner(clock, runs, visibility, job, this::persist, () -> closed || !shards.ownsShard(shard));
    pool.execute(
        () -> {
          try {
            runner.run();
          } finally {
            live.remove(key(job.namespaceId, job.jobId), job);
          }
        });
  }

  /**
   * Stores a new job and starts it. The request is already validated; ALREADY_EXISTS when the job
   * id is taken in the namespace.
   */
  public void start(String namespaceId, StartBatchOperationRequest req) {
    if (closed) {
      throw EngineException.unavailable("server is shutting down");
    }
    BatchJob job = new BatchJob(namespaceId, req.getJobId(), req, clock.millis());
    if (!store.insertBatch(job.toRecord())) {
      throw new EngineException(
          EngineException.Code.ALREADY_EXISTS,
          "Batch operation with job id " + req.getJobId() + " already exists.");
    }
    launch(job);
  }

  private BatchJob find(String namespaceId, String jobId) {
    BatchJob job = live.get(key(namespaceId, jobId));
    if (job != null) {
      return job;
    }
    return store
        .getBatch(namespaceId, jobId)
        .map(BatchJob::fromRecord)
        .orElseThrow(
            () -> EngineException.notFound("Batch operation not found. JobId: " + jobId + "."));
  }

  public DescribeBatchOperationResponse describe(String namespaceId, String jobId) {
    BatchJob job = find(namespaceId, jobId);
    synchronized (job) {
      DescribeBatchOperationResponse.Builder b =
          DescribeBatchOperationResponse.newBuilder()
              .setOperationType(job.type())
              .setJobId(job.jobId)
              .setState(job.state)
              .setStartTime(ts(job.startMillis))
              .setTotalOperationCount(job.total())
              .setCompleteOperationCount(job.success)
              .setFailureOperationCount(job.failure)
              .setIdentity(job.identity())
              .setReason(job.request.getReason());
      if (job.closeMillis > 0) {
        b.setCloseTime(ts(job.closeMillis));
      }
      return b.build();
    }
  }

  /** Jobs of the namespace, newest first. */
  public ListBatchOperationsResponse list(String namespaceId, int pageSize, ByteString token) {
    int size = pageSize <= 0 || pageSize > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : pageSize;
    long afterStart = 0;
    String afterJob = null;
    if (token != null && !token.isEmpty()) {
      String s = token.toString(StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      try {
        afterStart = Long.parseLong(s.substring(0, colon));
        afterJob = s.substring(colon + 1);
      } catch (RuntimeException e) {
        throw EngineException.invalidArgument("Invalid NextPageToken.");
      }
    }
    List<BatchRecord> rows = store.listBatches(namespaceId, afterStart, afterJob, size + 1);
    ListBatchOperationsResponse.Builder b = ListBatchOperationsResponse.newBuilder();
    for (int i = 0; i < Math.min(size, rows.size()); i++) {
      BatchRecord r = rows.get(i);
      BatchJob job = live.getOrDefault(key(namespaceId, r.jobId()), null);
      if (job == null) {
        job = BatchJob.fromRecord(r);
      }
      synchronized (job) {
        BatchOperationInfo.Builder info =
            BatchOperationInfo.newBuilder()
                .setJobId(job.jobId)
                .setState(job.state)
                .setStartTime(ts(job.startMillis));
        if (job.closeMillis > 0) {
          info.setCloseTime(ts(job.closeMillis));
        }
        b.addOperationInfo(info);
      }
    }
    if (rows.size() > size) {
      BatchRecord last = rows.get(size - 1);
      b.setNextPageToken(
          ByteString.copyFromUtf8(last.startTimeMillis() + ":" + last.jobId()));
    }
    return b.build();
  }

  /**
   * Stops a running job: it processes no further execution and ends FAILED (as a terminated
   * Temporal batch workflow reports). NOT_FOUND when the job is unknown or already finished.
   */
  public void stop(String namespaceId, String jobId) {
    BatchJob job = find(namespaceId, jobId);
    synchronized (job) {
      if (!job.running()) {
        throw EngineException.notFound("Batch operation " + jobId + " has already finished.");
      }
      job.state = BatchOperationState.BATCH_OPERATION_STATE_FAILED;
      job.closeMillis = clock.millis();
      persist(job);
    }
  }

  /** Writes the job's current state (under its lock, so writes never go backwards). */
  void persist(BatchJob job) {
    synchronized (job) {
      store.updateBatch(job.toRecord());
    }
  }

  static Timestamp ts(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }

  static WorkflowExecution execution(BatchJob.Target t) {
    return WorkflowExecution.newBuilder().setWorkflowId(t.workflowId()).setRunId(t.runId()).build();
  }

  @Override
  public void close() {
    closed = true;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
