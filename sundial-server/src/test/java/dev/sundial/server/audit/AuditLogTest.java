package dev.sundial.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.sundial.server.Sundial;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.AuditRecord;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import dev.sundial.server.security.AuthConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.RecordActivityTaskHeartbeatRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedByIdRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit log after a scripted mix of calls by two principals over gRPC and HTTP, some refused:
 * exactly the expected records, with who, from where, what, on which target, and the outcome.
 * Reads are not recorded.
 */
class AuditLogTest {
  Sundial sundial;
  ManagedChannel socket;
  ManagedChannel embedded;
  String alice;
  String bob;

  @BeforeEach
  void start() {
    sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0).httpApi("127.0.0.1", 0)
        .namespace("a").namespace("b").auth(AuthConfig.apiKeys(null)).start();
    socket = NettyChannelBuilder.forAddress("127.0.0.1", sundial.grpcPort()).usePlaintext().build();
    embedded = sundial.newInProcessChannel();
    alice = key("alice", "a:write");
    bob = key("bob", "a:read");
  }

  @AfterEach
  void stop() {
    socket.shutdownNow();
    sundial.close();
  }

  String key(String name, String role) {
    return ClientCalls.blockingUnaryCall(embedded, AdminApi.CREATE_API_KEY, CallOptions.DEFAULT,
        CreateApiKeyRequest.newBuilder().setName(name).addRoles(role).build()).getKey();
  }

  WorkflowServiceGrpc.WorkflowServiceBlockingStub as(String key) {
    Channel c = socket;
    if (key != null) {
      Metadata md = new Metadata();
      md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
      c = ClientInterceptors.intercept(socket, MetadataUtils.newAttachHeadersInterceptor(md));
    }
    return WorkflowServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static StartWorkflowExecutionRequest start(String ns, String id, String requestId) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace(ns).setWorkflowId(id)
        .setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("q")).setRequestId(requestId).build();
  }

  static WorkflowExecution wf(String id) {
    return WorkflowExecution.newBuilder().setWorkflowId(id).build();
  }

  static void ignoringRefusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException expected) {
      // the refusal is what the audit log must show
    }
  }

  List<AuditRecord> all() {
    List<AuditRecord> out = new ArrayList<>(ClientCalls.blockingUnaryCall(embedded,
        AdminApi.LIST_AUDIT_RECORDS, CallOptions.DEFAULT,
        ListAuditRecordsRequest.newBuilder().setPageSize(1000).build()).getRecordsList());
    Collections.reverse(out); // oldest first
    return out;
  }

  /** Waits until every record of the script is written and none is pending. */
  List<AuditRecord> settled(int expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      List<AuditRecord> records = all();
      if (records.size() >= expected && records.stream().noneMatch(r -> r.getOutcome().equals("PENDING"))) {
        return records;
      }
      assertThat(System.nanoTime()).as("audit records written: %s", records).isLessThan(deadline);
    }
  }

  static String line(AuditRecord r) {
    return String.join(" | ", r.getPrincipal(), r.getAuthType(), r.getTransport(),
        r.getNamespace(), r.getOperation(), r.getTarget(), r.getRequestId(), r.getOutcome());
  }

  @Test
  void aScriptedMixOfCallsLeavesExactlyTheExpectedRecords() throws Exception {
    as(alice).startWorkflowExecution(start("a", "wf-1", "req-1"));
    as(alice).signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder().setNamespace("a")
        .setWorkflowExecution(wf("wf-1")).setSignalName("go").setRequestId("req-2").build());
    as(bob).describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace("a").setExecution(wf("wf-1")).build()); // a read: not recorded
    ignoringRefusal(() -> as(bob).terminateWorkflowExecution(TerminateWorkflowExecutionRequest
        .newBuilder().setNamespace("a").setWorkflowExecution(wf("wf-1")).build()));
    ignoringRefusal(() -> as(alice).startWorkflowExecution(start("b", "wf-2", "req-3")));
    ignoringRefusal(() -> as(null).startWorkflowExecution(start("a", "wf-3", "req-4")));
    ignoringRefusal(() -> as(alice).terminateWorkflowExecution(TerminateWorkflowExecutionRequest
        .newBuilder().setNamespace("a").setWorkflowExecution(wf("ghost")).build()));
    HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + sundial.httpPort() + "/api/v1/namespaces/a/workflows/wf-4"))
        .header("Authorization", "Bearer " + alice)
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"},\"requestId\":\"req-5\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
    as(alice).terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
        .setNamespace("a").setWorkflowExecution(wf("wf-1")).build());

    List<AuditRecord> records = settled(10);
    assertThat(records).extracting(AuditLogTest::line).containsExactly(
        "embedded | in-process | in-process |  | CreateApiKey | api-key:alice |  | OK",
        "embedded | in-process | in-process |  | CreateApiKey | api-key:bob |  | OK",
        "alice | api-key | grpc | a | StartWorkflowExecution | workflow:wf-1 | req-1 | OK",
        "alice | api-key | grpc | a | SignalWorkflowExecution | workflow:wf-1 | req-2 | OK",
        "bob | api-key | grpc | a | TerminateWorkflowExecution | workflow:wf-1 |  | PERMISSION_DENIED",
        "alice | api-key | grpc | b | StartWorkflowExecution | workflow:wf-2 | req-3 | PERMISSION_DENIED",
        "anonymous | none | grpc |  | StartWorkflowExecution |  |  | UNAUTHENTICATED",
        "alice | api-key | grpc | a | TerminateWorkflowExecution | workflow:ghost |  | NOT_FOUND",
        "alice | api-key | http | a | StartWorkflowExecution | workflow:wf-4 | req-5 | OK",
        "alice | api-key | grpc | a | TerminateWorkflowExecution | workflow:wf-1 |  | OK");
    AuditRecord refused = records.get(4);
    assertThat(refused.getMessage()).contains("needs the write role on namespace a");
    assertThat(refused.getSource()).startsWith("127.0.0.1:");
    assertThat(records.get(8).getSource()).startsWith("127.0.0.1:");
    assertThat(records).allSatisfy(r -> assertThat(r.hasTime()).isTrue());
  }

  @Test
  void workerTrafficIsRecordedOnlyWhenAskedButCompletionsByIdAlways() {
    var heartbeat = RecordActivityTaskHeartbeatRequest.newBuilder().setNamespace("a")
        .setTaskToken(ByteString.copyFromUtf8("not a token")).build();
    var byId = RespondActivityTaskCompletedByIdRequest.newBuilder().setNamespace("a")
        .setWorkflowId("wf-x").setActivityId("act").build();
    ignoringRefusal(() -> as(alice).recordActivityTaskHeartbeat(heartbeat));
    ignoringRefusal(() -> as(alice).respondActivityTaskCompletedById(byId));
    assertThat(settled(3)).extracting(AuditRecord::getOperation)
        .containsExactly("CreateApiKey", "CreateApiKey", "RespondActivityTaskCompletedById");

    stop();
    sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0).namespace("a")
        .auth(AuthConfig.apiKeys(null)).auditWorkerCalls(true).start();
    socket = NettyChannelBuilder.forAddress("127.0.0.1", sundial.grpcPort()).usePlaintext().build();
    embedded = sundial.newInProcessChannel();
    alice = key("alice", "a:write");
    ignoringRefusal(() -> as(alice).recordActivityTaskHeartbeat(heartbeat));
    assertThat(settled(2)).extracting(AuditRecord::getOperation, AuditRecord::getOutcome)
        .containsExactly(tuple("CreateApiKey", "OK"),
            tuple("RecordActivityTaskHeartbeat", "INVALID_ARGUMENT"));
  }

  @Test
  void recordsAreFilteredPagedAndReadableOverHttpByAuditorsOnly() throws Exception {
    for (int i = 0; i < 5; i++) {
      as(alice).startWorkflowExecution(start("a", "page-" + i, "r-" + i));
    }
    settled(7);
    var firstPage = ClientCalls.blockingUnaryCall(embedded, AdminApi.LIST_AUDIT_RECORDS,
        CallOptions.DEFAULT, ListAuditRecordsRequest.newBuilder().setPrincipal("alice")
            .setPageSize(3).build());
    assertThat(firstPage.getRecordsList()).extracting(AuditRecord::getTarget)
        .containsExactly("workflow:page-4", "workflow:page-3", "workflow:page-2");
    var secondPage = ClientCalls.blockingUnaryCall(embedded, AdminApi.LIST_AUDIT_RECORDS,
        CallOptions.DEFAULT, ListAuditRecordsRequest.newBuilder().setPrincipal("alice")
            .setPageSize(3).setNextPageToken(firstPage.getNextPageToken()).build());
    assertThat(secondPage.getRecordsList()).extracting(AuditRecord::getTarget)
        .containsExactly("workflow:page-1", "workflow:page-0");
    assertThat(secondPage.getNextPageToken().isEmpty()).isTrue();

    String auditor = key("auditor", "system:read");
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> byHttp = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + sundial.httpPort() + "/api/v1/sundial/audit?target=workflow:page-3"))
        .header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(byHttp.statusCode()).as(byHttp.body()).isEqualTo(200);
    var json = JsonParser.parseString(byHttp.body()).getAsJsonObject().getAsJsonArray("records");
    assertThat(json).hasSize(1);
    assertThat(json.get(0).getAsJsonObject().get("principal").getAsString()).isEqualTo("alice");
    HttpResponse<String> notAnAuditor = client.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + sundial.httpPort() + "/api/v1/sundial/audit"))
        .header("Authorization", "Bearer " + alice).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(notAnAuditor.statusCode()).isEqualTo(403);
  }
}
