package dev.sundial.engine.schedule;

import static dev.sundial.engine.history.ProtoIo.readMsg;
import static dev.sundial.engine.history.ProtoIo.writeMsg;

import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.ScheduleActionResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Binary encoding of {@link ScheduleState} (leading version byte; protos length-prefixed). */
public final class ScheduleStateCodec {
  private static final int VERSION = 1;

  private ScheduleStateCodec() {}

  public static byte[] encode(ScheduleState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeUTF(s.namespaceId);
      out.writeUTF(s.scheduleId);
      out.writeUTF(s.incarnation);
      out.writeUTF(s.createRequestId);
      writeMsg(out, s.schedule);
      writeMsg(out, s.memo);
      writeMsg(out, s.searchAttributes);
      out.writeLong(s.conflictToken);
      out.writeLong(s.createTime);
      out.writeLong(s.updateTime);
      out.writeLong(s.lastProcessedMillis);
      out.writeLong(s.actionCount);
      out.writeLong(s.missedCatchupWindow);
      out.writeLong(s.overlapSkipped);
      out.writeLong(s.bufferDropped);
      out.writeInt(s.running.size());
      for (WorkflowExecution e : s.running) writeMsg(out, e);
      out.writeInt(s.recentActions.size());
      for (ScheduleActionResult r : s.recentActions) writeMsg(out, r);
      out.writeInt(s.buffer.size());
      for (ScheduleState.BufferedStart b : s.buffer) {
        out.writeLong(b.nominalMillis());
        out.writeLong(b.actualMillis());
        out.writeInt(b.overlapPolicy());
        out.writeBoolean(b.manual());
        out.writeUTF(b.requestId());
      }
      out.writeInt(s.backfills.size());
      for (ScheduleState.Backfill b : s.backfills) {
        out.writeUTF(b.id);
        out.writeLong(b.cursorMillis);
        out.writeLong(b.endMillis);
        out.writeInt(b.overlapPolicy);
      }
      writeMsg(out, s.lastCompletionResult);
      writeMsg(out, s.continuedFailure);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ScheduleState decode(byte[] data, long version) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int v = in.readUnsignedByte();
      if (v != VERSION) {
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
