package dev.sundial.persistence.batch;

import java.util.List;
import java.util.Optional;

/** Persistence of batch jobs (one row per job). Each write is committed before it returns. */
public interface BatchStore {

  Optional<BatchRecord> getBatch(String namespaceId, String jobId);

  /** Inserts a new job; false (and nothing written) when the job id is taken in the namespace. */
  boolean insertBatch(BatchRecord record);

  /** Replaces a job's running flag and state. */
  void updateBatch(BatchRecord record);

  /**
   * Jobs of a namespace, newest first, strictly after the (startTime, jobId) cursor; a null
   * afterJobId starts from the newest.
   */
  List<BatchRecord> listBatches(
      String namespaceId, long afterStartTime, String afterJobId, int limit);

  /** Every job still running, in any namespace. */
  List<BatchRecord> runningBatches();
}
