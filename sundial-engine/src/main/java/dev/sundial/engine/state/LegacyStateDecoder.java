package dev.sundial.engine.state;

import static dev.sundial.engine.state.ProtoIo.readMsg;

import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.workflow.v1.ResetPoints;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads the first encoding of {@link MutableState} (format byte 1: a DataOutputStream layout with
 * trailing optional parts for update records, reset info and search attributes), which databases
 * written before the protobuf encoding hold. Sundial writes format 2 ({@link MutableStateCodec});
 * a run read in format 1 is rewritten in format 2 on its next change.
 */
final class LegacyStateDecoder {
  private static final int RESET_INFO_MAGIC = 0x52535431; // "RST1"

  private LegacyStateDecoder() {}

  static MutableState decode(byte[] data, long dbVersion) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int version = in.readByte();
      if (version != 1) {
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
      readUpdates(in, s);
      readResetInfo(in, s);
      readSearchAttributes(in, s);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Update records; states encoded before updates existed have no such part. */
  private static void readUpdates(DataInputStream in, MutableState s) throws IOException {
    if (in.available() <= 0) {
      return;
    }
    s.workflowTask.speculative = in.readBoolean();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      String id = in.readUTF();
      s.updates.put(id, new UpdateRecord(in.readLong(), in.readLong()));
    }
  }

  /** Reset info, marked by a magic number; states encoded before resets existed have none. */
  private static void readResetInfo(DataInputStream in, MutableState s) throws IOException {
    if (in.available() < 4) {
      return;
    }
    in.mark(4);
    if (in.readInt() != RESET_INFO_MAGIC) {
      in.reset();
      return;
    }
    int version = in.readByte();
    if (version != 1) {
      throw new IOException("unknown reset info encoding version " + version);
    }
    ResetInfo r = s.reset;
    byte[] points = new byte[in.readInt()];
    in.readFully(points);
    r.autoResetPoints = ResetPoints.parseFrom(points);
    r.baseRunId = in.readUTF();
    r.baseLastEventId = in.readLong();
    r.resetRequestId = in.readUTF();
    r.resetTime = in.readLong();
    r.resetRunId = in.readUTF();
    r.originalStartTime = in.readLong();
  }

  /** Current search attributes and memo (-1: null); states encoded before them have none. */
  private static void readSearchAttributes(DataInputStream in, MutableState s) throws IOException {
    if (in.available() <= 0) {
      return;
    }
    byte[] sa = readBytes(in);
    s.searchAttributes = sa == null ? null : SearchAttributes.parseFrom(sa);
    byte[] memo = readBytes(in);
    s.memo = memo == null ? null : Memo.parseFrom(memo);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
