package dev.sundial.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.RetryPolicy;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.StartChildWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.TimerFiredEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.sdk.v1.UserMetadata;
import io.temporal.api.taskqueue.v1.TaskQueue;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MutableStateCodecTest {

  private static Payloads payloads(String s) {
    return Payloads.newBuilder()
        .addPayloads(Payload.newBuilder().setData(ByteString.copyFromUtf8(s)))
        .build();
  }

  private static ActivityInfo activity(long scheduledEventId, String id, boolean withOptionals) {
    ActivityInfo a = new ActivityInfo();
    a.scheduledEventId = scheduledEventId;
    a.scheduled =
        ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityId(id)
            .setActivityType(ActivityType.newBuilder().setName("Act"))
            .setTaskQueue(TaskQueue.newBuilder().setName("tq"))
            .setStartToCloseTimeout(Durations.ofMillis(30_000))
            .setRetryPolicy(RetryPolicy.newBuilder().setMaximumAttempts(3))
            .setInput(payloads("in-" + id))
            .build();
    a.firstScheduledTime = 1_000 + scheduledEventId;
    a.attempt = 2;
    a.attemptScheduledTime = 2_000 + scheduledEventId;
    a.startedTime = 3_000 + scheduledEventId;
    a.startedIdentity = "worker-" + id;
    a.startedRequestId = "req-" + id;
    a.queueTaskId = 40 + scheduledEventId;
    a.lastHeartbeatTime = 5_000 + scheduledEventId;
    a.lastWorkerIdentity = "last-" + id;
    a.cancelRequested = true;
    a.cancelRequestedEventId = 9;
    a.expirationTime = 6_000 + scheduledEventId;
    a.retryAt = 7_000 + scheduledEventId;
    if (withOptionals) {
      a.heartbeatDetails = payloads("hb-" + id);
      a.lastFailure =
          Failure.newBuilder()
              .setMessage("fail-" + id)
              .setApplicationFailureInfo(ApplicationFailureInfo.newBuilder().setType("T"))
              .build();
    }
    return a;
  }

  /** A state in which every persisted field has a non-default value. */
  static MutableState fullyPopulated() {
    MutableState s = new MutableState();
    s.namespaceId = "ns-1";
    s.workflowId = "wf-ünïcode-✓";
    s.runId = "run-2";
    s.firstExecutionRunId = "run-1";
    s.startRequestId = "start-req";
    s.started =
        WorkflowExecutionStartedEventAttributes.newBuilder()
            .setWorkflowType(WorkflowType.newBuilder().setName("Wf"))
            .setTaskQueue(TaskQueue.newBuilder().setName("tq"))
            .setInput(payloads("wf-input"))
            .setAttempt(2)
            .build();
    s.status = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
    s.startTime = 11;
    s.executionTime = 12;
    s.closeTime = 13;
    s.runExpirationTime = 14;
    s.executionExpirationTime = 15;
    s.nextEventId = 42;
    s.historySizeBytes = 4096;
    s.lastCompletedStartedEventId = 17;
    s.completionEventId = 41;
    s.newRunId = "run-3";
    s.stickyQueue = "sticky-q";
    s.stickyScheduleToStartMillis = 5000;

    WorkflowTaskInfo wt = s.workflowTask;
    wt.scheduledEventId = 38;
    wt.startedEventId = 39;
    wt.attempt = 3;
    wt.taskQueue = "sticky-q";
    wt.sticky = true;
    wt.transientTask = true;
    wt.speculative = true;
    wt.scheduledTime = 21;
    wt.startedTime = 22;
    wt.requestId = "wt-req";
    wt.identity = "wt-worker";
    wt.queueTaskId = 23;
    wt.suggestContinueAsNew = true;
    wt.timeoutTaskId = 24;

    s.activities.put(5L, activity(5, "a5", true));
    s.activities.put(9L, activity(9, "a9", false)); // null heartbeat details and last failure

    TimerInfo t1 = new TimerInfo();
    t1.timerId = "t1";
    t1.startedEventId = 7;
    t1.fireTime = 99_000;
    t1.timerTaskId = 31;
    TimerInfo t2 = new TimerInfo();
    t2.timerId = "t2";
    t2.startedEventId = 8;
    t2.fireTime = 98_000;
    t2.timerTaskId = 32;
    s.timers.put(t1.timerId, t1);
    s.timers.put(t2.timerId, t2);

    s.cancelRequested = true;
    s.cancelRequestId = "cancel-req";
    ChildInfo child = new ChildInfo();
    child.initiatedEventId = 41;
    child.initiated =
        StartChildWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setWorkflowId("child-1")
            .build();
    child.startedEventId = 42;
    child.runId = "child-run";
    child.userMetadata =
        UserMetadata.newBuilder()
            .setSummary(Payload.newBuilder().setData(ByteString.copyFromUtf8("\"the child\"")))
            .build();
    s.children.put(41L, child);
    ExternalRequest ext = new ExternalRequest();
    ext.initiatedEventId = 43;
    ext.signal =
        SignalExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setSignalName("sig")
            .build();
    s.externalRequests.put(43L, ext);
    ExternalRequest ext2 = new ExternalRequest();
    ext2.initiatedEventId = 44;
    ext2.cancel =
        RequestCancelExternalWorkflowExecutionInitiatedEventAttributes.newBuilder()
            .setReason("why")
            .build();
    s.externalRequests.put(44L, ext2);
    s.signalRequestIds.add("sig-b");
    s.signalRequestIds.add("sig-a");
    s.signalRequestIds.add("sig-c");
    s.updates.put("upd-b", new UpdateRecord(45, 47));
    s.updates.put("upd-a", new UpdateRecord(46, 0));
    s.searchAttributes =
        SearchAttributes.newBuilder()
            .putIndexedFields(
                "CustomKeywordField",
                Payload.newBuilder()
                    .putMetadata("type", ByteString.copyFromUtf8("Keyword"))
                    .setData(ByteString.copyFromUtf8("\"upserted\""))
                    .build())
            .build();
    s.memo =
        Memo.newBuilder()
            .putFields("note", Payload.newBuilder().setData(ByteString.copyFromUtf8("\"m\"")).build())
            .build();
    s.userMetadata =
        UserMetadata.newBuilder()
            .setSummary(Payload.newBuilder().setData(ByteString.copyFromUtf8("\"summary\"")))
            .setDetails(Payload.newBuilder().setData(ByteString.copyFromUtf8("\"details\"")))
            .build();

    s.bufferedEvents.add(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .setEventTime(MutableState.timestamp(123))
            .setWorkflowExecutionSignaledEventAttributes(
                WorkflowExecutionSignaledEventAttributes.newBuilder()
                    .setSignalName("go")
                    .setInput(payloads("sig")))
            .build());
    s.bufferedEvents.add(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_TIMER_FIRED)
            .setEventTime(MutableState.timestamp(124))
            .setTimerFiredEventAttributes(
                TimerFiredEventAttributes.newBuilder().setTimerId("t0").setStartedEventId(6))
            .build());
    s.dbVersion = 7;
    return s;
  }

  private static final Set<String> NOT_PERSISTED =
      Set.of("dirty", "newEvents", "dbVersion", "writtenVisibilityStamp", "encodedBytes", "cacheWeight",
          "commandUserMetadata");

  @Test
  void fixtureReallyPopulatesEveryPersistedField() throws Exception {
    // Guards this test: a field added to MutableState later must be set here (and encoded).
    MutableState s = fullyPopulated();
    for (Field f : MutableState.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || NOT_PERSISTED.contains(f.getName())) continue;
      f.setAccessible(true);
      Object v = f.get(s);
      assertThat(v).as(f.getName()).isNotNull();
      if (v instanceof Number n) assertThat(n.longValue()).as(f.getName()).isNotZero();
      if (v instanceof String str) assertThat(str).as(f.getName()).isNotEmpty();
      if (v instanceof Boolean b) assertThat(b).as(f.getName()).isTrue();
      if (v instanceof Collection<?> c) assertThat(c).as(f.getName()).isNotEmpty();
      if (v instanceof Map<?, ?> m) assertThat(m).as(f.getName()).isNotEmpty();
    }
    for (Class<?> type : new Class<?>[] {WorkflowTaskInfo.class, ActivityInfo.class, TimerInfo.class}) {
      Object o =
          type == WorkflowTaskInfo.class
              ? s.workflowTask
              : type == ActivityInfo.class ? s.activities.get(5L) : s.timers.get("t1");
      for (Field f : type.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) continue;
        Object v = f.get(o);
        assertThat(v).as(type.getSimpleName() + "." + f.getName()).isNotNull();
        if (v instanceof Number n) assertThat(n.longValue()).as(f.getName()).isNotZero();
        if (v instanceof String str) assertThat(str).as(f.getName()).isNotEmpty();
        if (v instanceof Boolean b) assertThat(b).as(f.getName()).isTrue();
      }
    }
  }

  @Test
  void roundTripsAFullyPopulatedState() {
    MutableState original = fullyPopulated();
    byte[] bytes = MutableStateCodec.encode(original);
    MutableState decoded = MutableStateCodec.decode(bytes, 7);

    assertThat(decoded)
        .usingRecursiveComparison()
        .usingOverriddenEquals()
        .ignoringFields("dirty", "newEvents")
        .isEqualTo(original);
    // Order of maps and sets is part of the state (LinkedHashMap / LinkedHashSet).
    assertThat(decoded.activities.keySet()).containsExactly(5L, 9L);
    assertThat(decoded.timers.keySet()).containsExactly("t1", "t2");
    assertThat(decoded.signalRequestIds).containsExactly("sig-b", "sig-a", "sig-c");
    assertThat(decoded.bufferedEvents).containsExactlyElementsOf(original.bufferedEvents);
    assertThat(decoded.activities.get(9L).heartbeatDetails).isNull();
    assertThat(decoded.activities.get(9L).lastFailure).isNull();
    assertThat(decoded.dirty).isFalse();
    assertThat(decoded.newEvents).isEmpty();
    // Re-encoding is stable.
    assertThat(MutableStateCodec.encode(decoded)).isEqualTo(bytes);
  }

  @Test
  void aReplacedStartedOrScheduledMessageIsEncodedAfresh() {
    MutableState s = fullyPopulated();
    MutableStateCodec.encode(s); // caches the stored bytes of both
    s.started = s.started.toBuilder().setIdentity("someone else").build();
    ActivityInfo a = s.activities.get(5L);
    a.scheduled = a.scheduled.toBuilder().setActivityId("renamed").build();
    MutableState decoded = MutableStateCodec.decode(MutableStateCodec.encode(s), 7);
    assertThat(decoded.started.getIdentity()).isEqualTo("someone else");
    assertThat(decoded.activities.get(5L).scheduled.getActivityId()).isEqualTo("renamed");
  }

  @Test
  void decodesJustThePositionOfEitherFormat() {
    MutableState s = fullyPopulated();
    RunPosition expected =
        new RunPosition(s.namespaceId, s.runId, s.status, s.nextEventId, s.completionEventId);
    assertThat(MutableStateCodec.decodePosition(MutableStateCodec.encode(s), 7)).isEqualTo(expected);
    assertThat(MutableStateCodec.decodePosition(LegacyStateEncoder.encode(s), 7)).isEqualTo(expected);
  }

  @Test
  void dbVersionComesFromTheRowNotTheBytes() {
    byte[] bytes = MutableStateCodec.encode(fullyPopulated());
    assertThat(MutableStateCodec.decode(bytes, 123).dbVersion).isEqualTo(123);
  }

  @Test
  void roundTripsAMinimalState() {
    MutableState s = new MutableState();
    s.namespaceId = "ns";
    s.workflowId = "wf";
    s.runId = "r";
    s.firstExecutionRunId = "r";
    s.started = WorkflowExecutionStartedEventAttributes.getDefaultInstance();
    MutableState d = MutableStateCodec.decode(MutableStateCodec.encode(s), 1);
    assertThat(d.isRunning()).isTrue();
    assertThat(d.nextEventId).isEqualTo(1);
    assertThat(d.workflowTask.isScheduled()).isFalse();
    assertThat(d.workflowTask.attempt).isEqualTo(1);
    assertThat(d.activities).isEmpty();
    assertThat(d.timers).isEmpty();
    assertThat(d.bufferedEvents).isEmpty();
  }

  @Test
  void readsFormatOneWrittenBeforeTheProtobufEncoding() {
    MutableState original = fullyPopulated();
    // Format 1 predates user metadata.
    original.userMetadata = null;
    original.children.values().forEach(c -> c.userMetadata = null);
    byte[] formatOne = LegacyStateEncoder.encode(original);
    assertThat(formatOne[0]).isEqualTo((byte) 1);
    MutableState decoded = MutableStateCodec.decode(formatOne, 7);

    assertThat(decoded)
        .usingRecursiveComparison()
        .usingOverriddenEquals()
        .ignoringFields("dirty", "newEvents")
        .isEqualTo(original);
    assertThat(decoded.activities.keySet()).containsExactly(5L, 9L);
    assertThat(decoded.signalRequestIds).containsExactly("sig-b", "sig-a", "sig-c");
    // Written again, it is format 2 and reads back the same.
    byte[] formatTwo = MutableStateCodec.encode(decoded);
    assertThat(formatTwo[0]).isEqualTo((byte) 2);
    assertThat(MutableStateCodec.encode(MutableStateCodec.decode(formatTwo, 7))).isEqualTo(formatTwo);
  }

  @Test
  void readsFormatOneStatesWrittenBeforeSearchAttributesWereTracked() {
    MutableState s = fullyPopulated();
    s.searchAttributes = null;
    s.memo = null;
    byte[] bytes = LegacyStateEncoder.encode(s);
    // The search attribute part is last: two absent messages (-1 lengths), 8 bytes.
    byte[] old = Arrays.copyOf(bytes, bytes.length - 8);
    MutableState d = MutableStateCodec.decode(old, 7);
    assertThat(d.searchAttributes).isNull();
    assertThat(d.memo).isNull();
    assertThat(LegacyStateEncoder.encode(d)).isEqualTo(bytes);
  }

  @Test
  void absentSearchAttributesAndMemoStayAbsent() {
    MutableState s = fullyPopulated();
    s.searchAttributes = null;
    s.memo = null;
    MutableState d = MutableStateCodec.decode(MutableStateCodec.encode(s), 7);
    assertThat(d.searchAttributes).isNull();
    assertThat(d.memo).isNull();
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] bytes = MutableStateCodec.encode(fullyPopulated());
    bytes[0] = 99;
    assertThatThrownBy(() -> MutableStateCodec.decode(bytes, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("99");
  }
}
