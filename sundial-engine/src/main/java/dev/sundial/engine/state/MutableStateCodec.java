package dev.sundial.engine.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.sundial.engine.proto.StoredActivity;
import dev.sundial.engine.proto.StoredChild;
import dev.sundial.engine.proto.StoredExternalRequest;
import dev.sundial.engine.proto.StoredResetInfo;
import dev.sundial.engine.proto.StoredRun;
import dev.sundial.engine.proto.StoredTimer;
import dev.sundial.engine.proto.StoredUpdate;
import dev.sundial.engine.proto.StoredWorkflowTask;
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
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.workflow.v1.ResetPoints;

/**
 * The stored form of {@link MutableState}: a format byte, then (format 2) the {@code StoredRun}
 * protobuf message of {@code sundial/engine/v1/state.proto}, which evolves by protobuf's rules.
 * Format 1, written before, is still read ({@link LegacyStateDecoder}).
 */
public final class MutableStateCodec {
  private static final byte FORMAT = 2;

  private MutableStateCodec() {}

  public static byte[] encode(MutableState s) {
    return FormattedMessages.write(FORMAT, toProto(s));
  }

  public static MutableState decode(byte[] data, long dbVersion) {
    if (data.length == 0) {
      throw new IllegalStateException("empty mutable state");
    }
    return switch (data[0]) {
      case 1 -> LegacyStateDecoder.decode(data, dbVersion);
      case FORMAT -> fromProto(readRun(data), dbVersion);
      default -> throw new IllegalStateException("unknown mutable state encoding version " + data[0]);
    };
  }

  /** Only where the run's history stands (see {@link RunPosition}). */
  public static RunPosition decodePosition(byte[] data, long dbVersion) {
    if (data.length > 0 && data[0] == FORMAT) {
      StoredRun p = readRun(data);
      return new RunPosition(
          p.getNamespaceId(), p.getRunId(), WorkflowExecutionStatus.forNumber(p.getStatus()),
          p.getNextEventId(), p.getCompletionEventId());
    }
    return RunPosition.of(decode(data, dbVersion));
  }

  static StoredRun toProto(MutableState s) {
    WorkflowTaskInfo wt = s.workflowTask;
    StoredRun.Builder b =
        StoredRun.newBuilder()
            .setNamespaceId(s.namespaceId)
            .setWorkflowId(s.workflowId)
            .setRunId(s.runId)
            .setFirstExecutionRunId(s.firstExecutionRunId)
            .setStartRequestId(s.startRequestId)
            .setStatus(s.status.getNumber())
            .setStartTime(s.startTime)
            .setExecutionTime(s.executionTime)
            .setCloseTime(s.closeTime)
            .setRunExpirationTime(s.runExpirationTime)
            .setExecutionExpirationTime(s.executionExpirationTime)
            .setNextEventId(s.nextEventId)
            .setHistorySizeBytes(s.historySizeBytes)
            .setLastCompletedStartedEventId(s.lastCompletedStartedEventId)
            .setCompletionEventId(s.completionEventId)
            .setNewRunId(s.newRunId)
            .setStickyQueue(s.stickyQueue)
            .setStickyScheduleToStartMillis(s.stickyScheduleToStartMillis)
            .setWorkflowTask(
                StoredWorkflowTask.newBuilder()
                    .setScheduledEventId(wt.scheduledEventId)
                    .setStartedEventId(wt.startedEventId)
                    .setAttempt(wt.attempt)
                    .setTaskQueue(wt.taskQueue)
                    .setSticky(wt.sticky)
                    .setTransientTask(wt.transientTask)
                    .setSpeculative(wt.speculative)
                    .setScheduledTime(wt.scheduledTime)
                    .setStartedTime(wt.startedTime)
                    .setRequestId(wt.requestId)
                    .setIdentity(wt.identity)
                    .setQueueTaskId(wt.queueTaskId)
                    .setSuggestContinueAsNew(wt.suggestContinueAsNew)
                    .setTimeoutTaskId(wt.timeoutTaskId))
            .setCancelRequested(s.cancelRequested)
            .setCancelRequestId(s.cancelRequestId)
            .addAllSignalRequestIds(s.signalRequestIds);
    if (s.started != null) b.setStarted(s.startedEncoded.of(s.started));
    for (ActivityInfo a : s.activities.values()) {
      StoredActivity.Builder sa =
          StoredActivity.newBuilder()
              .setScheduledEventId(a.scheduledEventId)
              .setScheduled(a.scheduledEncoded.of(a.scheduled))
              .setFirstScheduledTime(a.firstScheduledTime)
              .setAttempt(a.attempt)
              .setAttemptScheduledTime(a.attemptScheduledTime)
              .setStartedTime(a.startedTime)
              .setStartedIdentity(a.startedIdentity)
              .setStartedRequestId(a.startedRequestId)
              .setQueueTaskId(a.queueTaskId)
              .setLastHeartbeatTime(a.lastHeartbeatTime)
              .setLastWorkerIdentity(a.lastWorkerIdentity)
              .setCancelRequested(a.cancelRequested)
              .setCancelRequestedEventId(a.cancelRequestedEventId)
              .setExpirationTime(a.expirationTime)
              .setRetryAt(a.retryAt);
      if (a.heartbeatDetails != null) sa.setHeartbeatDetails(bytes(a.heartbeatDetails));
      if (a.lastFailure != null) sa.setLastFailure(bytes(a.lastFailure));
      b.addActivities(sa);
    }
    for (TimerInfo t : s.timers.values()) {
      b.addTimers(
          StoredTimer.newBuilder()
              .setTimerId(t.timerId)
              .setStartedEventId(t.startedEventId)
              .setFireTime(t.fireTime)
              .setTimerTaskId(t.timerTaskId));
    }
    for (ChildInfo c : s.children.values()) {
      StoredChild.Builder sc =
          StoredChild.newBuilder()
              .setInitiatedEventId(c.initiatedEventId)
              .setInitiated(bytes(c.initiated))
              .setStartedEventId(c.startedEventId)
              .setRunId(c.runId);
      if (c.userMetadata != null) sc.setUserMetadata(bytes(c.userMetadata));
      b.addChildren(sc);
    }
    for (ExternalRequest r : s.externalRequests.values()) {
      StoredExternalRequest.Builder sr =
          StoredExternalRequest.newBuilder().setInitiatedEventId(r.initiatedEventId);
      if (r.signal != null) sr.setSignal(bytes(r.signal));
      if (r.cancel != null) sr.setCancel(bytes(r.cancel));
      b.addExternalRequests(sr);
    }
    for (HistoryEvent e : s.bufferedEvents) {
      b.addBufferedEvents(bytes(e));
    }
    s.updates.forEach(
        (id, u) ->
            b.addUpdates(
                StoredUpdate.newBuilder()
                    .setUpdateId(id)
                    .setAcceptedEventId(u.acceptedEventId)
                    .setCompletedEventId(u.completedEventId)));
    ResetInfo r = s.reset;
    b.setReset(
        StoredResetInfo.newBuilder()
            .setAutoResetPoints(bytes(r.autoResetPoints))
            .setBaseRunId(r.baseRunId)
            .setBaseLastEventId(r.baseLastEventId)
            .setResetRequestId(r.resetRequestId)
            .setResetTime(r.resetTime)
            .setResetRunId(r.resetRunId)
            .setOriginalStartTime(r.originalStartTime));
    if (s.searchAttributes != null) b.setSearchAttributes(bytes(s.searchAttributes));
    if (s.memo != null) b.setMemo(bytes(s.memo));
    if (s.userMetadata != null) b.setUserMetadata(bytes(s.userMetadata));
    return b.build();
  }

  static MutableState fromProto(StoredRun p, long dbVersion) {
    MutableState s = new MutableState();
    s.dbVersion = dbVersion;
    s.namespaceId = p.getNamespaceId();
    s.workflowId = p.getWorkflowId();
    s.runId = p.getRunId();
    s.firstExecutionRunId = p.getFirstExecutionRunId();
    s.startRequestId = p.getStartRequestId();
    s.started =
        p.getStarted().isEmpty()
            ? null
            : s.startedEncoded.parsed(
                parse(WorkflowExecutionStartedEventAttributes.parser(), p.getStarted()),
                p.getStarted());
    s.status = WorkflowExecutionStatus.forNumber(p.getStatus());
    s.startTime = p.getStartTime();
    s.executionTime = p.getExecutionTime();
    s.closeTime = p.getCloseTime();
    s.runExpirationTime = p.getRunExpirationTime();
    s.executionExpirationTime = p.getExecutionExpirationTime();
    s.nextEventId = p.getNextEventId();
    s.historySizeBytes = p.getHistorySizeBytes();
    s.lastCompletedStartedEventId = p.getLastCompletedStartedEventId();
    s.completionEventId = p.getCompletionEventId();
    s.newRunId = p.getNewRunId();
    s.stickyQueue = p.getStickyQueue();
    s.stickyScheduleToStartMillis = p.getStickyScheduleToStartMillis();

    StoredWorkflowTask pw = p.getWorkflowTask();
    WorkflowTaskInfo wt = s.workflowTask;
    wt.scheduledEventId = pw.getScheduledEventId();
    wt.startedEventId = pw.getStartedEventId();
    wt.attempt = pw.getAttempt();
    wt.taskQueue = pw.getTaskQueue();
    wt.sticky = pw.getSticky();
    wt.transientTask = pw.getTransientTask();
    wt.speculative = pw.getSpeculative();
    wt.scheduledTime = pw.getScheduledTime();
    wt.startedTime = pw.getStartedTime();
    wt.requestId = pw.getRequestId();
    wt.identity = pw.getIdentity();
    wt.queueTaskId = pw.getQueueTaskId();
    wt.suggestContinueAsNew = pw.getSuggestContinueAsNew();
    wt.timeoutTaskId = pw.getTimeoutTaskId();

    for (StoredActivity pa : p.getActivitiesList()) {
      ActivityInfo a = new ActivityInfo();
      a.scheduledEventId = pa.getScheduledEventId();
      a.scheduled =
          a.scheduledEncoded.parsed(
              parse(ActivityTaskScheduledEventAttributes.parser(), pa.getScheduled()),
              pa.getScheduled());
      a.firstScheduledTime = pa.getFirstScheduledTime();
      a.attempt = pa.getAttempt();
      a.attemptScheduledTime = pa.getAttemptScheduledTime();
      a.startedTime = pa.getStartedTime();
      a.startedIdentity = pa.getStartedIdentity();
      a.startedRequestId = pa.getStartedRequestId();
      a.queueTaskId = pa.getQueueTaskId();
      a.lastHeartbeatTime = pa.getLastHeartbeatTime();
      a.heartbeatDetails =
          pa.hasHeartbeatDetails() ? parse(Payloads.parser(), pa.getHeartbeatDetails()) : null;
      a.lastFailure = pa.hasLastFailure() ? parse(Failure.parser(), pa.getLastFailure()) : null;
      a.lastWorkerIdentity = pa.getLastWorkerIdentity();
      a.cancelRequested = pa.getCancelRequested();
      a.cancelRequestedEventId = pa.getCancelRequestedEventId();
      a.expirationTime = pa.getExpirationTime();
      a.retryAt = pa.getRetryAt();
      s.activities.put(a.scheduledEventId, a);
    }
    for (StoredTimer pt : p.getTimersList()) {
      TimerInfo t = new TimerInfo();
      t.timerId = pt.getTimerId();
      t.startedEventId = pt.getStartedEventId();
      t.fireTime = pt.getFireTime();
      t.timerTaskId = pt.getTimerTaskId();
      s.timers.put(t.timerId, t);
    }
    for (StoredChild pc : p.getChildrenList()) {
      ChildInfo c = new ChildInfo();
      c.initiatedEventId = pc.getInitiatedEventId();
      c.initiated = parse(StartChildWorkflowExecutionInitiatedEventAttributes.parser(), pc.getInitiated());
      c.startedEventId = pc.getStartedEventId();
      c.runId = pc.getRunId();
      c.userMetadata =
          pc.hasUserMetadata() ? parse(UserMetadata.parser(), pc.getUserMetadata()) : null;
      s.children.put(c.initiatedEventId, c);
    }
    for (StoredExternalRequest pr : p.getExternalRequestsList()) {
      ExternalRequest r = new ExternalRequest();
      r.initiatedEventId = pr.getInitiatedEventId();
      r.signal =
          pr.hasSignal()
              ? parse(SignalExternalWorkflowExecutionInitiatedEventAttributes.parser(), pr.getSignal())
              : null;
      r.cancel =
          pr.hasCancel()
              ? parse(RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.parser(), pr.getCancel())
              : null;
      s.externalRequests.put(r.initiatedEventId, r);
    }
    s.cancelRequested = p.getCancelRequested();
    s.cancelRequestId = p.getCancelRequestId();
    s.signalRequestIds.addAll(p.getSignalRequestIdsList());
    for (ByteString e : p.getBufferedEventsList()) {
      s.bufferedEvents.add(parse(HistoryEvent.parser(), e));
    }
    for (StoredUpdate u : p.getUpdatesList()) {
      s.updates.put(u.getUpdateId(), new UpdateRecord(u.getAcceptedEventId(), u.getCompletedEventId()));
    }
    StoredResetInfo pr = p.getReset();
    ResetInfo r = s.reset;
    r.autoResetPoints = parse(ResetPoints.parser(), pr.getAutoResetPoints());
    r.baseRunId = pr.getBaseRunId();
    r.baseLastEventId = pr.getBaseLastEventId();
    r.resetRequestId = pr.getResetRequestId();
    r.resetTime = pr.getResetTime();
    r.resetRunId = pr.getResetRunId();
    r.originalStartTime = pr.getOriginalStartTime();
    s.searchAttributes =
        p.hasSearchAttributes() ? parse(SearchAttributes.parser(), p.getSearchAttributes()) : null;
    s.memo = p.hasMemo() ? parse(Memo.parser(), p.getMemo()) : null;
    s.userMetadata =
        p.hasUserMetadata() ? parse(UserMetadata.parser(), p.getUserMetadata()) : null;
    return s;
  }

  private static ByteString bytes(MessageLite m) {
    return m.toByteString();
  }

  private static <T> T parse(Parser<T> parser, ByteString b) {
    try {
      return parser.parseFrom(b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored mutable state does not parse", e);
    }
  }

  private static StoredRun readRun(byte[] data) {
    try {
      return FormattedMessages.read(StoredRun.parser(), data);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored mutable state does not parse", e);
    }
  }
}
