package dev.sundial.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.sundial.server.Sundial;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.temporal.api.command.v1.Command;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.failure.v1.ApplicationFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.namespace.v1.UpdateNamespaceInfo;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.schedule.v1.Schedule;
import io.temporal.api.schedule.v1.SchedulePolicies;
import io.temporal.api.schedule.v1.ScheduleSpec;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.*;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input through raw gRPC: for many RPCs, out-of-range durations and timestamps, unknown
 * enum values, oversized payloads and names, bad namespace names, and bytes that are not a
 * protobuf message. Each gets INVALID_ARGUMENT with a message naming what is wrong, and nothing is
 * written. One table, one loop.
 */
class HostileInputTest {

  @RegisterExtension static final SundialTestServer sundial = new SundialTestServer();

  private static final int MB = 1024 * 1024;
  private static final String ID = "hostile-target";

  /** One hostile request: what it is, the call, and a fragment the error message must hold. */
  record Case(String what, Function<WorkflowServiceGrpc.WorkflowServiceBlockingStub, Object> call,
      String mentions) {}

  private static StartWorkflowExecutionRequest.Builder start(String id) {
    return StartWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setWorkflowId(id).setRequestId("r-" + id)
        .setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("hostile-q"));
  }

  private static Payloads bigPayloads(int bytes) {
    return Payloads.newBuilder().addPayloads(Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
        .setData(ByteString.copyFrom(new byte[bytes]))).build();
  }

  private static WorkflowExecution target() {
    return WorkflowExecution.newBuilder().setWorkflowId(ID).build();
  }

  private static final Duration FOREVER = Duration.newBuilder().setSeconds(Long.MAX_VALUE).build();

  static List<Case> cases() {
    return List.of(
        new Case("execution timeout of Long.MAX seconds",
            s -> s.startWorkflowExecution(start("h1").setWorkflowExecutionTimeout(FOREVER).build()),
            "WorkflowExecutionTimeout"),
        new Case("start delay of Long.MAX seconds",
            s -> s.startWorkflowExecution(start("h2").setWorkflowStartDelay(FOREVER).build()),
            "WorkflowStartDelay"),
        new Case("a start delay that ends past the year 9999",
            s -> s.startWorkflowExecution(start("h9").setWorkflowStartDelay(
                Duration.newBuilder().setSeconds(300_000_000_000L)).build()),
            "WorkflowStartDelay"),
        new Case("nanos of a second or more",
            s -> s.startWorkflowExecution(start("h3").setWorkflowRunTimeout(
                Duration.newBuilder().setSeconds(1).setNanos(1_000_000_000)).build()),
            "WorkflowRunTimeout"),
        new Case("id reuse policy 999",
            s -> s.startWorkflowExecution(start("h4").setWorkflowIdReusePolicyValue(999).build()),
            "WorkflowIdReusePolicy"),
        new Case("task queue kind 42",
            s -> s.startWorkflowExecution(start("h5").setTaskQueue(
                TaskQueue.newBuilder().setName("q").setKindValue(42)).build()),
            "TaskQueue.Kind"),
        new Case("a 1 MB cron string",
            s -> s.startWorkflowExecution(start("h6").setCronSchedule("*".repeat(MB)).build()),
            "CronSchedule"),
        new Case("a 2.5 MB input",
            s -> s.startWorkflowExecution(start("h7").setInput(bigPayloads(5 * MB / 2)).build()),
            "Input"),
        new Case("a 1 MB signal name on signal-with-start",
            s -> s.signalWithStartWorkflowExecution(SignalWithStartWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setWorkflowId("h8").setRequestId("r-h8")
                .setWorkflowType(WorkflowType.newBuilder().setName("T"))
                .setTaskQueue(TaskQueue.newBuilder().setName("q"))
                .setSignalName("s".repeat(MB)).build()),
            "SignalName"),
        new Case("a 1 MB signal name",
            s -> s.signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setWorkflowExecution(target())
                .setSignalName("s".repeat(MB)).build()),
            "SignalName"),
        new Case("2.5 MB of terminate details",
            s -> s.terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setWorkflowExecution(target())
                .setDetails(bigPayloads(5 * MB / 2)).build()),
            "Details"),
        new Case("2.5 MB of query args",
            s -> s.queryWorkflow(QueryWorkflowRequest.newBuilder().setNamespace("default")
                .setExecution(target()).setQuery(WorkflowQuery.newBuilder().setQueryType("q")
                    .setQueryArgs(bigPayloads(5 * MB / 2))).build()),
            "QueryArgs"),
        new Case("2.5 MB of heartbeat details",
            s -> s.recordActivityTaskHeartbeatById(RecordActivityTaskHeartbeatByIdRequest.newBuilder()
                .setNamespace("default").setWorkflowId(ID).setActivityId("a")
                .setDetails(bigPayloads(5 * MB / 2)).build()),
            "Details"),
        new Case("2.5 MB of failure details",
            s -> s.respondActivityTaskFailedById(RespondActivityTaskFailedByIdRequest.newBuilder()
                .setNamespace("default").setWorkflowId(ID).setActivityId("a")
                .setFailure(Failure.newBuilder().setMessage("x")
                    .setApplicationFailureInfo(ApplicationFailureInfo
                        .newBuilder().setDetails(bigPayloads(5 * MB / 2)))).build()),
            "Details"),
        new Case("an unknown command type",
            s -> s.respondWorkflowTaskCompleted(
                RespondWorkflowTaskCompletedRequest.newBuilder()
                    .setNamespace("default").setTaskToken(ByteString.copyFromUtf8("t"))
                    .addCommands(Command.newBuilder().setCommandTypeValue(999))
                    .build()),
            "CommandType"),
        new Case("a 1 MB identity",
            s -> s.requestCancelWorkflowExecution(RequestCancelWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setWorkflowExecution(target())
                .setIdentity("i".repeat(MB)).build()),
            "Identity"),
        new Case("a retention of Long.MAX seconds",
            s -> s.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("h-retention")
                .setWorkflowExecutionRetentionPeriod(FOREVER).build()),
            "WorkflowExecutionRetentionPeriod"),
        new Case("a 3.5 MB namespace description",
            s -> s.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("h-desc")
                .setDescription("d".repeat(7 * MB / 2)).build()),
            "Description"),
        new Case("namespace state 77",
            s -> s.updateNamespace(UpdateNamespaceRequest.newBuilder().setNamespace("default")
                .setUpdateInfo(UpdateNamespaceInfo.newBuilder().setStateValue(77)).build()),
            "State"),
        new Case("a namespace name with NUL", s -> register("bad\u0000name"), "invalid"),
        new Case("a whitespace-only namespace name", s -> register("   "), "invalid"),
        new Case("a namespace name with a trailing space", s -> register("orders "), "invalid"),
        new Case("a path as namespace name", s -> register("../../etc/passwd"), "invalid"),
        new Case("DEFAULT next to default", s -> register("DEFAULT"), "only in case"),
        new Case("the system namespace", s -> register("temporal-system"), "reserved"),
        new Case("schedule overlap policy 99",
            s -> s.createSchedule(CreateScheduleRequest.newBuilder().setNamespace("default")
                .setScheduleId("h-sched").setRequestId("r")
                .setSchedule(Schedule.newBuilder().setPolicies(
                    SchedulePolicies.newBuilder().setOverlapPolicyValue(99))).build()),
            "OverlapPolicy"),
        new Case("a schedule start time past year 9999",
            s -> s.createSchedule(CreateScheduleRequest.newBuilder().setNamespace("default")
                .setScheduleId("h-sched2").setRequestId("r")
                .setSchedule(Schedule.newBuilder().setSpec(ScheduleSpec.newBuilder()
                    .setStartTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)))).build()),
            "StartTime"));
  }

  private static Object register(String name) {
    return sundial.blockingStub().registerNamespace(
        RegisterNamespaceRequest.newBuilder().setNamespace(name)
            .setWorkflowExecutionRetentionPeriod(Duration.newBuilder().setSeconds(86_400)).build());
  }

  @BeforeAll
  static void targetWorkflow() {
    sundial.blockingStub().startWorkflowExecution(start(ID).build());
  }

  @Test
  void everyHostileRequestGetsInvalidArgumentNamingTheProblemAndWritesNothing() {
    var stub = sundial.blockingStub();
    long historyBefore = sundial.history(ID, null).size();
    for (Case c : cases()) {
      StatusRuntimeException e = CompatServer.expectStatus(() -> c.call().apply(stub));
      assertThat(e.getStatus().getCode()).as(c.what() + ": " + e.getStatus())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).as(c.what()).containsIgnoringCase(c.mentions());
    }
    // Nothing was written: no workflow, namespace or schedule from the table, no event on the target.
    for (String id : List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9")) {
      assertThat(CompatServer.expectStatus(() -> sundial.describe(id, null)).getStatus().getCode())
          .as(id).isEqualTo(Status.Code.NOT_FOUND);
    }
    var names = stub.listNamespaces(ListNamespacesRequest.getDefaultInstance()).getNamespacesList()
        .stream().map(n -> n.getNamespaceInfo().getName()).toList();
    assertThat(names).containsExactly("default");
    assertThat(stub.listSchedules(ListSchedulesRequest.newBuilder().setNamespace("default").build())
        .getSchedulesList()).isEmpty();
    assertThat(sundial.history(ID, null)).hasSize((int) historyBefore);
    assertThat(sundial.describe(ID, null).getWorkflowExecutionInfo().getStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  @Test
  void bytesThatAreNotAProtobufMessageGetInvalidArgument() {
    MethodDescriptor<byte[], byte[]> raw = WorkflowServiceGrpc.getStartWorkflowExecutionMethod()
        .toBuilder(new RawBytes(), new RawBytes()).build();
    byte[] invalidUtf8 = {0x0a, 0x02, (byte) 0xc3, 0x28}; // field 1 (namespace), bad UTF-8
    byte[] truncatedVarint = {0x08, (byte) 0xff, (byte) 0xff};
    byte[] garbage = "this is not protobuf at all".getBytes(StandardCharsets.UTF_8);
    // Failure.cause nested past the parser's recursion limit, inside a valid request.
    Failure.Builder deep = Failure.newBuilder().setMessage("bottom");
    for (int i = 0; i < 150; i++) deep = Failure.newBuilder().setMessage("level " + i).setCause(deep);
    MethodDescriptor<byte[], byte[]> failed = WorkflowServiceGrpc.getRespondActivityTaskFailedByIdMethod()
        .toBuilder(new RawBytes(), new RawBytes()).build();
    byte[] tooDeep = RespondActivityTaskFailedByIdRequest.newBuilder().setNamespace("default")
        .setWorkflowId(ID).setActivityId("a").setFailure(deep).build().toByteArray();

    ManagedChannel channel = sundial.sundial().newInProcessChannel();
    try {
      for (byte[] body : List.of(invalidUtf8, truncatedVarint, garbage)) {
        StatusRuntimeException e = CompatServer.expectStatus(() ->
            ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, body));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("malformed StartWorkflowExecution request");
      }
      StatusRuntimeException e = CompatServer.expectStatus(() ->
          ClientCalls.blockingUnaryCall(channel, failed, CallOptions.DEFAULT, tooDeep));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).containsIgnoringCase("nesting");
    } finally {
      channel.shutdownNow();
    }
    assertThat(sundial.history(ID, null).stream().noneMatch(ev -> ev.hasActivityTaskFailedEventAttributes()))
        .isTrue();
  }

  @Test
  void aFloodOfNamespaceRegistrationsIsShed() {
    // In its own server: the other test checks that no namespace was registered.
    try (var own = Sundial.builder().inMemory().start()) {
      var stub = own.newWorkflowServiceStubs().blockingStub();
      int registered = 0;
      StatusRuntimeException shed = null;
      for (int i = 0; i < 200 && shed == null; i++) {
        try {
          stub.registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace("flood-" + i)
              .setWorkflowExecutionRetentionPeriod(Duration.newBuilder().setSeconds(86_400)).build());
          registered++;
        } catch (StatusRuntimeException e) {
          shed = e;
        }
      }
      assertThat(shed).as("registrations past the burst are refused").isNotNull();
      assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      var details = StatusProto.fromThrowable(shed).getDetails(0);
      assertThat(details.is(ResourceExhaustedFailure.class)).isTrue();
      assertThat(registered).isGreaterThanOrEqualTo(50); // the burst is honoured
    }
  }

  /** Sends and receives bytes as they are. */
  private static final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
