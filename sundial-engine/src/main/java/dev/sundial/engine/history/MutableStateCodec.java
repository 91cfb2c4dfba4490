package dev.sundial.engine.history;

import static dev.sundial.engine.history.ProtoIo.readMsg;
import static dev.sundial.engine.history.ProtoIo.writeMsg;

import dev.sundial.engine.history.reset.ResetInfo;
import dev.sundial.engine.history.update.UpdateRecord;
import dev.sundial.engine.visibility.SearchAttributeState;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary encoding of {@link MutableState} for the executions table. Versioned by a leading byte so
 * the layout can evolve; protobuf parts are length-prefixed message bytes.
 */
public final class MutableStateCodec {
  private static final int VERSION = 1;

  private MutableStateCodec() {}

  public static byte[] encode(MutableState s) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
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
      UpdateRecord.write(out, s);
      ResetInfo.write(out, s); // marked: skipped when absent
      SearchAttributeState.write(out, s);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static MutableState decode(byte[] data, long dbVersion) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int version = in.readByte();
      if (version != VERSION) {
        throw new IllegalStateException("unknown mutable state encoding version " + version);
      }
      MutableState s = new MutableState();
      s.dbVersion = dbVersion;
      s.namespaceId = in.readUTF();
      s.workflowId = in.readUTF();
      s.runId = in.readUTF();
      s.firstExecutionRunId = in.readUTF();
      s.startRequestId = in.readUTF();
      s.started = readMsg(in, WorkflowExecutionStartedEventAttributes.parser());
      s.status = WorkflowExecutionStatus.forNumber(in.readInt());
      s.startTime = in.readLong();
      s.executionTime = in.readLong();
      s.closeTime = in.readLong();
      s.runExpirationTime = in.readLong();
      s.executionExpirationTime = in.readLong();
      s.nextEventId = in.readLong();
      s.historySizeBytes = in.readLong();
      s.lastCompletedStartedEventId = in.readLong();
      s.completionEventId = in.readLong();
      s.newRunId = in.readUTF();
      s.stickyQueue = in.readUTF();
      s.stickyScheduleToStartMillis = in.readLong();

      WorkflowTaskInfo wt = s.workflowTask;
      wt.scheduledEventId = in.readLong();
      wt.startedEventId = in.readLong();
      wt.attempt = in.readInt();
      wt.taskQueue = in.readUTF();
      wt.sticky = in.readBoolean();
      wt.transientTask = in.readBoolean();
      wt.scheduledTime = in.readLong();
      wt.startedTime = in.readLong();
      wt.requestId = in.readUTF();
      wt.identity = in.readUTF();
      wt.queueTaskId = in.readLong();
      wt.suggestContinueAsNew = in.readBoolean();
      wt.timeoutTaskId = in.readLong();

      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        ActivityInfo a = new ActivityInfo();
        a.scheduledEventId = in.readLong();
        a.scheduled = readMsg(in, ActivityTaskScheduledEventAttributes.parser());
        a.firstScheduledTime = in.readLong();
        a.attempt = in.readInt();
        a.attemptScheduledTime = in.readLong();
        a.startedTime = in.readLong();
        a.startedIdentity = in.readUTF();
        a.startedRequestId = in.readUTF();
        a.queueTaskId = in.readLong();
        a.lastHeartbeatTime = in.readLong();
        a.heartbeatDetails = readMsg(in, Payloads.parser());
        a.lastFailure = readMsg(in, Failure.parser());
        a.lastWorkerIdentity = in.readUTF();
        a.cancelRequested = in.readBoolean();
        a.cancelRequestedEventId = in.readLong();
        a.expirationTime = in.readLong();
        a.retryAt = in.readLong();
        s.activities.put(a.scheduledEventId, a);
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        TimerInfo t = new TimerInfo();
        t.timerId = in.readUTF();
        t.startedEventId = in.readLong();
        t.fireTime = in.readLong();
        t.timerTaskId = in.readLong();
        s.timers.put(t.timerId, t);
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        ChildInfo c = new ChildInfo();
        c.initiatedEventId = in.readLong();
        c.initiated =
            readMsg(in, StartChildWorkflowExecutionInitiatedEventAttributes.parser());
        c.startedEventId = in.readLong();
        c.runId = in.readUTF();
        s.children.put(c.initiatedEventId, c);
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        ExternalRequest r = new ExternalRequest();
        r.initiatedEventId = in.readLong();
        r.signal =
            readMsg(in, SignalExternalWorkflowExecutionInitiatedEventAttributes.parser());
        r.cancel =
            readMsg(in, RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.parser());
        s.externalRequests.put(r.initiatedEventId, r);
      }
      s.cancelRequested = in.readBoolean();
      s.cancelRequestId = in.readUTF();
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        s.signalRequestIds.add(in.readUTF());
      }
      n = in.readInt();
      for (int i = 0; i < n; i++) {
        s.bufferedEvents.add(readMsg(in, HistoryEvent.parser()));
      }
      UpdateRecord.read(in, s);
      ResetInfo.read(in, s); // marked: skipped when absent
      SearchAttributeState.read(in, s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
