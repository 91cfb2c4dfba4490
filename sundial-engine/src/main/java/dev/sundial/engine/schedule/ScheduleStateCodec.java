package dev.sundial.engine.schedule;

import static dev.sundial.engine.state.ProtoIo.readMsg;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.proto.StoredSchedule;
import dev.sundial.engine.state.FormattedMessages;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The stored form of {@link ScheduleState}: a format byte, then (format 2) the StoredSchedule
 * message of state.proto. Format 1 (a DataOutputStream layout) is still read.
 */
public final class ScheduleStateCodec {
  private static final byte FORMAT = 2;

  private ScheduleStateCodec() {}

  public static byte[] encode(ScheduleState s) {
    StoredSchedule.Builder b =
        StoredSchedule.newBuilder()
            .setNamespaceId(s.namespaceId)
            .setScheduleId(s.scheduleId)
            .setIncarnation(s.incarnation)
            .setCreateRequestId(s.createRequestId)
            .setConflictToken(s.conflictToken)
            .setCreateTime(s.createTime)
            .setUpdateTime(s.updateTime)
            .setLastProcessedMillis(s.lastProcessedMillis)
            .setActionCount(s.actionCount)
            .setMissedCatchupWindow(s.missedCatchupWindow)
            .setOverlapSkipped(s.overlapSkipped)
            .setBufferDropped(s.bufferDropped);
    if (s.schedule != null) b.setSchedule(s.schedule.toByteString());
    if (s.memo != null) b.setMemo(s.memo.toByteString());
    if (s.searchAttributes != null) b.setSearchAttributes(s.searchAttributes.toByteString());
    for (WorkflowExecution e : s.running) b.addRunning(e.toByteString());
    for (ScheduleActionResult r : s.recentActions) b.addRecentActions(r.toByteString());
    for (ScheduleState.BufferedStart bs : s.buffer) {
      b.addBuffer(
          StoredSchedule.BufferedStart.newBuilder()
              .setNominalMillis(bs.nominalMillis())
              .setActualMillis(bs.actualMillis())
              .setOverlapPolicy(bs.overlapPolicy())
              .setManual(bs.manual())
              .setRequestId(bs.requestId()));
    }
    for (ScheduleState.Backfill bf : s.backfills) {
      b.addBackfills(
          StoredSchedule.Backfill.newBuilder()
              .setId(bf.id)
              .setCursorMillis(bf.cursorMillis)
              .setEndMillis(bf.endMillis)
              .setOverlapPolicy(bf.overlapPolicy));
    }
    if (s.lastCompletionResult != null) b.setLastCompletionResult(s.lastCompletionResult.toByteString());
    if (s.continuedFailure != null) b.setContinuedFailure(s.continuedFailure.toByteString());
    return FormattedMessages.write(FORMAT, b.build());
  }

  public static ScheduleState decode(byte[] data, long version) {
    if (data.length > 0 && data[0] == FORMAT) {
      return fromProto(data, version);
    }
    return decodeFormatOne(data, version);
  }

  private static ScheduleState fromProto(byte[] data, long version) {
    try {
      StoredSchedule p = FormattedMessages.read(StoredSchedule.parser(), data);
      ScheduleState s = new ScheduleState();
      s.namespaceId = p.getNamespaceId();
      s.scheduleId = p.getScheduleId();
      s.incarnation = p.getIncarnation();
      s.createRequestId = p.getCreateRequestId();
      s.schedule = p.hasSchedule() ? Schedule.parseFrom(p.getSchedule()) : null;
      s.memo = p.hasMemo() ? Memo.parseFrom(p.getMemo()) : null;
      s.searchAttributes =
          p.hasSearchAttributes() ? SearchAttributes.parseFrom(p.getSearchAttributes()) : null;
      s.conflictToken = p.getConflictToken();
      s.createTime = p.getCreateTime();
      s.updateTime = p.getUpdateTime();
      s.lastProcessedMillis = p.getLastProcessedMillis();
      s.actionCount = p.getActionCount();
      s.missedCatchupWindow = p.getMissedCatchupWindow();
      s.overlapSkipped = p.getOverlapSkipped();
      s.bufferDropped = p.getBufferDropped();
      for (var e : p.getRunningList()) s.running.add(WorkflowExecution.parseFrom(e));
      for (var r : p.getRecentActionsList()) s.recentActions.add(ScheduleActionResult.parseFrom(r));
      for (var b : p.getBufferList()) {
        s.buffer.add(new ScheduleState.BufferedStart(
            b.getNominalMillis(), b.getActualMillis(), b.getOverlapPolicy(), b.getManual(),
            b.getRequestId()));
      }
      for (var b : p.getBackfillsList()) {
        s.backfills.add(new ScheduleState.Backfill(
            b.getId(), b.getCursorMillis(), b.getEndMillis(), b.getOverlapPolicy()));
      }
      s.lastCompletionResult =
          p.hasLastCompletionResult() ? Payloads.parseFrom(p.getLastCompletionResult()) : null;
      s.continuedFailure = p.hasContinuedFailure() ? Failure.parseFrom(p.getContinuedFailure()) : null;
      s.version = version;
      return s;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored schedule state does not parse", e);
    }
  }

  /** Format 1, written before the protobuf encoding (a DataOutputStream layout). */
  private static ScheduleState decodeFormatOne(byte[] data, long version) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int v = in.readUnsignedByte();
      if (v != 1) {
        throw new IllegalStateException("unknown schedule state version " + v);
      }
      ScheduleState s = new ScheduleState();
      s.namespaceId = in.readUTF();
      s.scheduleId = in.readUTF();
      s.incarnation = in.readUTF();
      s.createRequestId = in.readUTF();
      s.schedule = readMsg(in, Schedule.parser());
      s.memo = readMsg(in, Memo.parser());
      s.searchAttributes = readMsg(in, SearchAttributes.parser());
      s.conflictToken = in.readLong();
      s.createTime = in.readLong();
      s.updateTime = in.readLong();
      s.lastProcessedMillis = in.readLong();
      s.actionCount = in.readLong();
      s.missedCatchupWindow = in.readLong();
      s.overlapSkipped = in.readLong();
      s.bufferDropped = in.readLong();
      for (int i = in.readInt(); i > 0; i--) s.running.add(readMsg(in, WorkflowExecution.parser()));
      for (int i = in.readInt(); i > 0; i--) {
        s.recentActions.add(readMsg(in, ScheduleActionResult.parser()));
      }
      for (int i = in.readInt(); i > 0; i--) {
        s.buffer.add(new ScheduleState.BufferedStart(
            in.readLong(), in.readLong(), in.readInt(), in.readBoolean(), in.readUTF()));
      }
      for (int i = in.readInt(); i > 0; i--) {
        s.backfills.add(new ScheduleState.Backfill(in.readUTF(), in.readLong(), in.readLong(), in.readInt()));
      }
      s.lastCompletionResult = readMsg(in, Payloads.parser());
      s.continuedFailure = readMsg(in, Failure.parser());
      s.version = version;
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
