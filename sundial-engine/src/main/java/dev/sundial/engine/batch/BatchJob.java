package dev.sundial.engine.batch;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.proto.StoredBatchJob;
import dev.sundial.engine.state.FormattedMessages;
import dev.sundial.persistence.batch.BatchRecord;
import io.temporal.api.enums.v1.BatchOperationState;
import io.temporal.api.enums.v1.BatchOperationType;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch job: the request, the executions it targets (resolved from the visibility query at
 * the job's first step, so paging is stable while the operation changes the statuses it filters
 * on), progress counts and cursor. Mutated only under its own lock; persisted as a whole.
 */
final class BatchJob {
  private static final byte FORMAT = 2;

  /** A target execution; an empty run id means the current run. */
  record Target(String workflowId, String runId) {}

  final String namespaceId;
  final String jobId;
  final StartBatchOperationRequest request;
  final long startMillis;
  BatchOperationState state = BatchOperationState.BATCH_OPERATION_STATE_RUNNING;
  long closeMillis;
  long success;
  long failure;
  /** Index of the next target to process. */
  int cursor;
  /** Null until the targets are resolved. */
  List<Target> targets;

  BatchJob(String namespaceId, String jobId, StartBatchOperationRequest request, long startMillis) {
    this.namespaceId = namespaceId;
    this.jobId = jobId;
    this.request = request;
    this.startMillis = startMillis;
  }

  boolean running() {
    return state == BatchOperationState.BATCH_OPERATION_STATE_RUNNING;
  }

  long total() {
    return targets == null ? 0 : targets.size();
  }

  BatchOperationType type() {
    return typeOf(request);
  }

  String identity() {
    StartBatchOperationRequest r = request;
    return switch (r.getOperationCase()) {
      case TERMINATION_OPERATION -> r.getTerminationOperation().getIdentity();
      case SIGNAL_OPERATION -> r.getSignalOperation().getIdentity();
      case CANCELLATION_OPERATION -> r.getCancellationOperation().getIdentity();
      case DELETION_OPERATION -> r.getDeletionOperation().getIdentity();
      case RESET_OPERATION -> r.getResetOperation().getIdentity();
      default -> "";
    };
  }

  static BatchOperationType typeOf(StartBatchOperationRequest r) {
    return switch (r.getOperationCase()) {
      case TERMINATION_OPERATION -> BatchOperationType.BATCH_OPERATION_TYPE_TERMINATE;
      case SIGNAL_OPERATION -> BatchOperationType.BATCH_OPERATION_TYPE_SIGNAL;
      case CANCELLATION_OPERATION -> BatchOperationType.BATCH_OPERATION_TYPE_CANCEL;
      case DELETION_OPERATION -> BatchOperationType.BATCH_OPERATION_TYPE_DELETE;
      case RESET_OPERATION -> BatchOperationType.BATCH_OPERATION_TYPE_RESET;
      default -> BatchOperationType.BATCH_OPERATION_TYPE_UNSPECIFIED;
    };
  }

  /** Stored as a format byte, then (format 2) the StoredBatchJob message of state.proto. */
  BatchRecord toRecord() {
    StoredBatchJob.Builder b =
        StoredBatchJob.newBuilder()
            .setRequest(request.toByteString())
            .setState(state.getNumber())
            .setCloseMillis(closeMillis)
            .setSuccess(success)
            .setFailure(failure)
            .setCursor(cursor)
            .setTargetsResolved(targets != null);
    if (targets != null) {
      for (Target t : targets) {
        b.addTargets(
            StoredBatchJob.Target.newBuilder().setWorkflowId(t.workflowId()).setRunId(t.runId()));
      }
    }
    return new BatchRecord(
        namespaceId, jobId, running(), startMillis, FormattedMessages.write(FORMAT, b.build()));
  }

  static BatchJob fromRecord(BatchRecord r) {
    byte[] data = r.state();
    if (data.length == 0 || data[0] != FORMAT) {
      return fromFormatOne(r);
    }
    try {
      StoredBatchJob p = FormattedMessages.read(StoredBatchJob.parser(), data);
      BatchJob job =
          new BatchJob(r.namespaceId(), r.jobId(), StartBatchOperationRequest.parseFrom(p.getRequest()),
              r.startTimeMillis());
      BatchOperationState st = BatchOperationState.forNumber(p.getState());
      job.state = st == null ? BatchOperationState.BATCH_OPERATION_STATE_FAILED : st;
      job.closeMillis = p.getCloseMillis();
      job.success = p.getSuccess();
      job.failure = p.getFailure();
      job.cursor = p.getCursor();
      if (p.getTargetsResolved()) {
        List<Target> ts = new ArrayList<>(p.getTargetsCount());
        for (StoredBatchJob.Target t : p.getTargetsList()) {
          ts.add(new Target(t.getWorkflowId(), t.getRunId()));
        }
        job.targets = ts;
      }
      return job;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt batch job " + r.jobId(), e);
    }
  }

  /** Format 1, written before the protobuf encoding: an int 1, then a DataOutputStream layout. */
  private static BatchJob fromFormatOne(BatchRecord r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(r.state()))) {
      int format = in.readInt();
      if (format != 1) {
        throw new IllegalStateException("unknown batch job format " + format);
      }
      byte[] req = new byte[in.readInt()];
      in.readFully(req);
      BatchJob job =
          new BatchJob(r.namespaceId(), r.jobId(), StartBatchOperationRequest.parseFrom(req),
              r.startTimeMillis());
      BatchOperationState st = BatchOperationState.forNumber(in.readInt());
      job.state = st == null ? BatchOperationState.BATCH_OPERATION_STATE_FAILED : st;
      job.closeMillis = in.readLong();
      job.success = in.readLong();
      job.failure = in.readLong();
      job.cursor = in.readInt();
      int n = in.readInt();
      if (n >= 0) {
        List<Target> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          ts.add(new Target(in.readUTF(), in.readUTF()));
        }
        job.targets = ts;
      }
      return job;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt batch job " + r.jobId(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
