package dev.sundial.engine.state;

import com.google.protobuf.MessageLite;
import io.temporal.api.history.v1.HistoryEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes format 1 of the mutable state (the DataOutputStream layout Sundial wrote before the
 * protobuf encoding), so tests can check that {@link LegacyStateDecoder} still reads it. Kept
 * here, not in main code: Sundial itself never writes format 1 again.
 */
public final class LegacyStateEncoder {
  private LegacyStateEncoder() {}

  public static byte[] encode(MutableState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(1);
      out.writeUTF(s.namespaceId);
      out.writeUTF(s.workflowId);
      out.writeUTF(s.runId);
      out.writeUTF(s.firstExecutionRunId);
      out.writeUTF(s.startRequestId);
      writeMsg(out, s.started);
      out.writeInt(s.status.getNumber());
      out.writeLong(s.startTime);
      out.writeLong(s.executionTime);
      out.writeLong(s.closeTime);
      out.writeLong(s.runExpirationTime);
      out.writeLong(s.executionExpirationTime);
      out.writeLong(s.nextEventId);
      out.writeLong(s.historySizeBytes);
      out.writeLong(s.lastCompletedStartedEventId);
      out.writeLong(s.completionEventId);
      out.writeUTF(s.newRunId);
      out.writeUTF(s.stickyQueue);
      out.writeLong(s.stickyScheduleToStartMillis);

      WorkflowTaskInfo wt = s.workflowTask;
      out.writeLong(wt.scheduledEventId);
      out.writeLong(wt.startedEventId);
      out.writeInt(wt.attempt);
      out.writeUTF(wt.taskQueue);
      out.writeBoolean(wt.sticky);
      out.writeBoolean(wt.transientTask);
      out.writeLong(wt.scheduledTime);
      out.writeLong(wt.startedTime);
      out.writeUTF(wt.requestId);
      out.writeUTF(wt.identity);
      out.writeLong(wt.queueTaskId);
      out.writeBoolean(wt.suggestContinueAsNew);
      out.writeLong(wt.timeoutTaskId);

      out.writeInt(s.activities.size());
      for (ActivityInfo a : s.activities.values()) {
        out.writeLong(a.scheduledEventId);
        writeMsg(out, a.scheduled);
        out.writeLong(a.firstScheduledTime);
        out.writeInt(a.attempt);
        out.writeLong(a.attemptScheduledTime);
        out.writeLong(a.startedTime);
        out.writeUTF(a.startedIdentity);
        out.writeUTF(a.startedRequestId);
        out.writeLong(a.queueTaskId);
        out.writeLong(a.lastHeartbeatTime);
        writeMsg(out, a.heartbeatDetails);
        writeMsg(out, a.lastFailure);
        out.writeUTF(a.lastWorkerIdentity);
        out.writeBoolean(a.cancelRequested);
        out.writeLong(a.cancelRequestedEventId);
        out.writeLong(a.expirationTime);
        out.writeLong(a.retryAt);
      }
      out.writeInt(s.timers.size());
      for (TimerInfo t : s.timers.values()) {
        out.writeUTF(t.timerId);
        out.writeLong(t.startedEventId);
        out.writeLong(t.fireTime);
        out.writeLong(t.timerTaskId);
      }
      out.writeInt(s.children.size());
      for (ChildInfo c : s.children.values()) {
        out.writeLong(c.initiatedEventId);
        writeMsg(out, c.initiated);
        out.writeLong(c.startedEventId);
        out.writeUTF(c.runId);
      }
      out.writeInt(s.externalRequests.size());
      for (ExternalRequest r : s.externalRequests.values()) {
        out.writeLong(r.initiatedEventId);
        writeMsg(out, r.signal);
        writeMsg(out, r.cancel);
      }
      out.writeBoolean(s.cancelRequested);
      out.writeUTF(s.cancelRequestId);
      out.writeInt(s.signalRequestIds.size());
      for (String id : s.signalRequestIds) {
        out.writeUTF(id);
      }
      out.writeInt(s.bufferedEvents.size());
      for (HistoryEvent e : s.bufferedEvents) {
        writeMsg(out, e);
      }
      writeUpdates(out, s);
      writeResetInfo(out, s);
      writeSearchAttributes(out, s);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeUpdates(DataOutputStream out, MutableState s) throws IOException {
    out.writeBoolean(s.workflowTask.speculative);
    out.writeInt(s.updates.size());
    for (var e : s.updates.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue().acceptedEventId);
      out.writeLong(e.getValue().completedEventId);
    }
  }

  public static void writeResetInfo(DataOutputStream out, MutableState s) throws IOException {
    var r = s.reset;
    out.writeInt(0x52535431); // "RST1"
    out.writeByte(1);
    byte[] points = r.autoResetPoints.toByteArray();
    out.writeInt(points.length);
    out.write(points);
    out.writeUTF(r.baseRunId);
    out.writeLong(r.baseLastEventId);
    out.writeUTF(r.resetRequestId);
    out.writeLong(r.resetTime);
    out.writeUTF(r.resetRunId);
    out.writeLong(r.originalStartTime);
  }

  static void writeSearchAttributes(DataOutputStream out, MutableState s) throws IOException {
    writeBytes(out, s.searchAttributes == null ? null : s.searchAttributes.toByteArray());
    writeBytes(out, s.memo == null ? null : s.memo.toByteArray());
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  private static void writeMsg(DataOutputStream out, MessageLite m) throws IOException {
    writeBytes(out, m == null ? null : m.toByteArray());
  }
}
