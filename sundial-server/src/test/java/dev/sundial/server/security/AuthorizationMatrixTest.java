package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.sundial.server.Sundial;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.ListApiKeysRequest;
import dev.sundial.server.admin.proto.RevokeApiKeyRequest;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.temporal.api.command.v1.Command;
import io.temporal.api.command.v1.SignalExternalWorkflowExecutionCommandAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.CommandType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.ResetStickyTaskQueueRequest;
import io.temporal.api.workflowservice.v1.RespondActivityTaskCompletedByIdRequest;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every role against every group of calls, over gRPC and over HTTP, on the namespace the role is
 * for (a) and on another (b): allowed or refused exactly as the role table says. The expectation
 * is written out here, independently of RpcPolicy and Principal.
 */
class AuthorizationMatrixTest {
  enum Group { READ, WORKER, WRITE, ADMIN, SYSTEM_READ, SYSTEM_ADMIN, SIGNED_IN, OPEN }

  /** Credentials under test and the groups each may use on namespace a (null: none on b). */
  record Caller(String label, List<String> roles) {}

  static final List<Caller> CALLERS = List.of(
      new Caller("read", List.of("a:read")),
      new Caller("worker", List.of("a:worker")),
      new Caller("write", List.of("a:write")),
      new Caller("admin", List.of("a:admin")),
      new Caller("other", List.of("c:admin")),
      new Caller("system-read", List.of("system:read")),
      new Caller("system", List.of("system:admin")));

  static Sundial sundial;
  static ManagedChannel socket;
  static final Map<String, String> keys = new LinkedHashMap<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() {
    sundial = Sundial.builder().inMemory()
        .grpc("127.0.0.1", 0).httpApi("127.0.0.1", 0)
        .namespace("a").namespace("b").namespace("c")
        .auth(AuthConfig.apiKeys(null))
        .start();
    socket = NettyChannelBuilder.forAddress("127.0.0.1", sundial.grpcPort()).usePlaintext().build();
    // The embedding application is trusted: it creates the keys through the in-process channel.
    ManagedChannel embedded = sundial.newInProcessChannel();
    for (Caller c : CALLERS) {
      keys.put(c.label(), createKey(embedded, c.label(), c.roles(), null).getKey());
    }
    var wf = WorkflowServiceGrpc.newBlockingStub(embedded);
    for (String ns : List.of("a", "b")) {
      wf.startWorkflowExecution(start(ns, "wf-1"));
    }
  }

  @AfterAll
  static void stop() {
    if (socket != null) socket.shutdownNow();
    if (sundial != null) sundial.close();
  }

  static dev.sundial.server.admin.proto.CreateApiKeyResponse createKey(
      Channel channel, String name, List<String> roles, Instant expires) {
    var req = CreateApiKeyRequest.newBuilder().setName(name).addAllRoles(roles);
    if (expires != null) {
      req.setExpireTime(Timestamp.newBuilder().setSeconds(expires.getEpochSecond())
          .setNanos(expires.getNano()));
    }
    return ClientCalls.blockingUnaryCall(channel, AdminApi.CREATE_API_KEY,
        io.grpc.CallOptions.DEFAULT, req.build());
  }

  static StartWorkflowExecutionRequest start(String ns, String id) {
    return StartWorkflowExecutionRequest.newBuilder().setNamespace(ns).setWorkflowId(id)
        .setWorkflowType(WorkflowType.newBuilder().setName("T"))
        .setTaskQueue(TaskQueue.newBuilder().setName("q-" + ns))
        .setRequestId(UUID.randomUUID().toString()).build();
  }

  static Channel withKey(String key) {
    if (key == null) return socket;
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return ClientInterceptors.intercept(socket, MetadataUtils.newAttachHeadersInterceptor(md));
  }

  /** One call of a group, made on a namespace through a channel. */
  record Call(String name, Group group, BiConsumer<Channel, String> invoke) {}

  static WorkflowServiceGrpc.WorkflowServiceBlockingStub wf(Channel c) {
    return WorkflowServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static final WorkflowExecution WF1 = WorkflowExecution.newBuilder().setWorkflowId("wf-1").build();

  static final List<Call> GRPC_CALLS = List.of(
      new Call("DescribeNamespace", Group.READ, (c, ns) ->
          wf(c).describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(ns).build())),
      new Call("ListWorkflowExecutions", Group.READ, (c, ns) -> wf(c).listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder().setNamespace(ns).build())),
      new Call("DescribeWorkflowExecution", Group.READ, (c, ns) -> wf(c).describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(ns).setExecution(WF1).build())),
      new Call("GetWorkflowExecutionHistory", Group.READ, (c, ns) ->
          wf(c).getWorkflowExecutionHistory(GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace(ns).setExecution(WF1).build())),
      new Call("RespondActivityTaskCompletedById", Group.WORKER, (c, ns) ->
          wf(c).respondActivityTaskCompletedById(RespondActivityTaskCompletedByIdRequest.newBuilder()
              .setNamespace(ns).setWorkflowId("wf-1").setActivityId("none").build())),
      new Call("ResetStickyTaskQueue", Group.WORKER, (c, ns) -> wf(c).resetStickyTaskQueue(
          ResetStickyTaskQueueRequest.newBuilder().setNamespace(ns).setExecution(WF1).build())),
      new Call("StartWorkflowExecution", Group.WRITE, (c, ns) ->
          wf(c).startWorkflowExecution(start(ns, "started-" + ids.incrementAndGet()))),
      new Call("SignalWorkflowExecution", Group.WRITE, (c, ns) -> wf(c).signalWorkflowExecution(
          SignalWorkflowExecutionRequest.newBuilder().setNamespace(ns)
              .setWorkflowExecution(WF1).setSignalName("s").build())),
      new Call("TerminateWorkflowExecution", Group.WRITE, (c, ns) ->
          wf(c).terminateWorkflowExecution(TerminateWorkflowExecutionRequest.newBuilder()
              .setNamespace(ns).setWorkflowExecution(
                  WorkflowExecution.newBuilder().setWorkflowId("never-started")).build())),
      new Call("UpdateNamespace", Group.ADMIN, (c, ns) -> wf(c).updateNamespace(
          UpdateNamespaceRequest.newBuilder().setNamespace(ns).build())),
      new Call("AddSearchAttributes", Group.ADMIN, (c, ns) ->
          OperatorServiceGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS)
              .addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace(ns)
                  .putSearchAttributes("Attr" + ids.incrementAndGet(),
                      IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD).build())),
      new Call("GetSearchAttributes", Group.SYSTEM_READ, (c, ns) ->
          wf(c).getSearchAttributes(GetSearchAttributesRequest.getDefaultInstance())),
      new Call("ListApiKeys", Group.SYSTEM_ADMIN, (c, ns) -> ClientCalls.blockingUnaryCall(
          c, AdminApi.LIST_API_KEYS, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          ListApiKeysRequest.getDefaultInstance())),
      new Call("GetClusterInfo", Group.SIGNED_IN, (c, ns) ->
          wf(c).getClusterInfo(GetClusterInfoRequest.getDefaultInstance())),
      new Call("GetSystemInfo", Group.OPEN, (c, ns) ->
          wf(c).getSystemInfo(GetSystemInfoRequest.getDefaultInstance())));

  /** The role table: whether a caller with these roles may make a call of this group on ns. */
  static boolean allowed(Caller caller, Group group, String ns) {
    if (group == Group.OPEN) return true;
    if (caller == null) return false;
    if (group == Group.SIGNED_IN) return true;
    String role = caller.roles().get(0);
    boolean system = role.startsWith("system:");
    String level = role.substring(role.indexOf(':') + 1);
    List<String> order = List.of("read", "worker", "write", "admin");
    int has = order.indexOf(level);
    return switch (group) {
      case SYSTEM_READ -> system;
      case SYSTEM_ADMIN -> system && level.equals("admin");
      case READ, WORKER, WRITE, ADMIN -> (system || role.startsWith(ns + ":"))
          && has >= order.indexOf(group.name().toLowerCase());
      default -> throw new AssertionError(group);
    };
  }

  static Status.Code outcome(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void everyRoleOverGrpcOnItsNamespaceAndAnother() {
    List<String> wrong = new ArrayList<>();
    List<Caller> callers = new ArrayList<>(CALLERS);
    callers.add(null); // no credentials
    for (Caller caller : callers) {
      Channel channel = withKey(caller == null ? null : keys.get(caller.label()));
      for (Call call : GRPC_CALLS) {
        for (String ns : List.of("a", "b")) {
          Status.Code code = outcome(() -> call.invoke().accept(channel, ns));
          boolean expected = allowed(caller, call.group(), ns);
          Status.Code refusal = caller == null ? Status.Code.UNAUTHENTICATED : Status.Code.PERMISSION_DENIED;
          boolean ok = expected
              ? code != Status.Code.PERMISSION_DENIED && code != Status.Code.UNAUTHENTICATED
              : code == refusal;
          if (!ok) {
            wrong.add((caller == null ? "no credentials" : caller.label()) + " " + call.name()
                + " on " + ns + ": " + code + (expected ? " (should be allowed)" : " (should be " + refusal + ")"));
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void aRefusedCallChangesNothingAndSaysWhatIsMissing() {
    Channel reader = withKey(keys.get("read"));
    StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        StatusRuntimeException.class,
        () -> wf(reader).startWorkflowExecution(start("a", "refused-start")));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("read (api-key) may not call StartWorkflowExecution: it needs the write role on namespace a");
    // Another namespace is refused the same way whether or not it exists.
    String missing = outcome(() -> wf(reader).describeNamespace(
        DescribeNamespaceRequest.newBuilder().setNamespace("no-such-namespace").build())).name();
    assertThat(missing).isEqualTo("PERMISSION_DENIED");
    var embedded = WorkflowServiceGrpc.newBlockingStub(sundial.newInProcessChannel());
    assertThat(outcome(() -> embedded.describeWorkflowExecution(DescribeWorkflowExecutionRequest
        .newBuilder().setNamespace("a").setExecution(WorkflowExecution.newBuilder()
            .setWorkflowId("refused-start")).build()))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void theNamespaceListShowsOnlyTheCallersNamespaces() {
    assertThat(wf(withKey(keys.get("read"))).listNamespaces(ListNamespacesRequest.getDefaultInstance())
        .getNamespacesList()).extracting(d -> d.getNamespaceInfo().getName()).containsExactly("a");
    assertThat(wf(withKey(keys.get("system"))).listNamespaces(ListNamespacesRequest.getDefaultInstance())
        .getNamespacesList()).extracting(d -> d.getNamespaceInfo().getName())
        .contains("a", "b", "c", "default");
  }

  @Test
  void badRevokedAndExpiredKeysAndForgedPrincipalsAreRefused() {
    Status.Code unknown = outcome(() -> wf(withKey("sundial_notAKeyThatExists"))
        .getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
    assertThat(unknown).isEqualTo(Status.Code.UNAUTHENTICATED);

    Metadata basic = new Metadata();
    basic.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Basic dTpw");
    StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        StatusRuntimeException.class, () -> wf(ClientInterceptors.intercept(socket,
            MetadataUtils.newAttachHeadersInterceptor(basic)))
            .getClusterInfo(GetClusterInfoRequest.getDefaultInstance()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getStatus().getDescription()).contains("Bearer");

    ManagedChannel embedded = sundial.newInProcessChannel();
    String revoked = createKey(embedded, "to-revoke", List.of("a:write"), null).getKey();
    assertThat(outcome(() -> wf(withKey(revoked)).describeNamespace(
        DescribeNamespaceRequest.newBuilder().setNamespace("a").build()))).isEqualTo(Status.Code.OK);
    ClientCalls.blockingUnaryCall(embedded, AdminApi.REVOKE_API_KEY, io.grpc.CallOptions.DEFAULT,
        RevokeApiKeyRequest.newBuilder().setId("to-revoke").build());
    e = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
        () -> wf(withKey(revoked)).describeNamespace(
            DescribeNamespaceRequest.newBuilder().setNamespace("a").build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getStatus().getDescription()).contains("'to-revoke' was revoked");

    String expiring = createKey(embedded, "short-lived", List.of("a:read"),
        Instant.now().plusMillis(1500)).getKey();
    assertThat(outcome(() -> wf(withKey(expiring)).describeNamespace(
        DescribeNamespaceRequest.newBuilder().setNamespace("a").build()))).isEqualTo(Status.Code.OK);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Status.Code later;
    do {
      later = outcome(() -> wf(withKey(expiring)).describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace("a").build()));
    } while (later == Status.Code.OK && System.nanoTime() < deadline);
    assertThat(later).isEqualTo(Status.Code.UNAUTHENTICATED);

    // A caller cannot claim to be someone Sundial already authenticated.
    Metadata forged = new Metadata();
    PrincipalHeader.attach(forged, Grants.parse(List.of("system:admin")).principal("mallory", "api-key"),
        true, "guessed-proof");
    assertThat(outcome(() -> wf(ClientInterceptors.intercept(socket,
        MetadataUtils.newAttachHeadersInterceptor(forged)))
        .listNamespaces(ListNamespacesRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void aWorkflowTaskMayNotActOnANamespaceItsWorkerHasNoWriteRoleIn() {
    Channel writer = withKey(keys.get("write"));
    wf(writer).startWorkflowExecution(start("a", "cross-ns"));
    var task = wf(writer).pollWorkflowTaskQueue(PollWorkflowTaskQueueRequest.newBuilder()
        .setNamespace("a").setTaskQueue(TaskQueue.newBuilder().setName("q-a")).build());
    assertThat(task.getTaskToken().isEmpty()).isFalse();
    Command signalB = Command.newBuilder()
        .setCommandType(CommandType.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION)
        .setSignalExternalWorkflowExecutionCommandAttributes(
            SignalExternalWorkflowExecutionCommandAttributes.newBuilder().setNamespace("b")
                .setExecution(WF1).setSignalName("s"))
        .build();
    StatusRuntimeException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        StatusRuntimeException.class, () -> wf(writer).respondWorkflowTaskCompleted(
            RespondWorkflowTaskCompletedRequest.newBuilder().setNamespace("a")
                .setTaskToken(task.getTaskToken()).addCommands(signalB).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription()).contains("write role on namespace b");
  }

  // ---- HTTP

  record HttpCall(String name, Group group, String method, String path, String body) {}

  static final List<HttpCall> HTTP_CALLS = List.of(
      new HttpCall("DescribeWorkflowExecution", Group.READ, "GET", "/api/v1/namespaces/{ns}/workflows/wf-1", null),
      new HttpCall("ListWorkflowExecutions", Group.READ, "GET", "/api/v1/namespaces/{ns}/workflows", null),
      new HttpCall("RespondActivityTaskCompletedById", Group.WORKER, "POST",
          "/api/v1/namespaces/{ns}/activities/a1/complete",
          "{\"workflowId\":\"wf-1\",\"activityId\":\"none\"}"),
      new HttpCall("StartWorkflowExecution", Group.WRITE, "POST", "/api/v1/namespaces/{ns}/workflows/{id}",
          "{\"workflowType\":{\"name\":\"T\"},\"taskQueue\":{\"name\":\"q\"}}"),
      new HttpCall("SignalWorkflowExecution", Group.WRITE, "POST",
          "/api/v1/namespaces/{ns}/workflows/wf-1/signal/s", "{}"),
      new HttpCall("UpdateNamespace", Group.ADMIN, "POST", "/api/v1/namespaces/{ns}/update", "{}"),
      new HttpCall("GetClusterInfo", Group.SIGNED_IN, "GET", "/api/v1/cluster-info", null),
      new HttpCall("GetSystemInfo", Group.OPEN, "GET", "/api/v1/system-info", null));

  static HttpResponse<String> send(HttpCall call, String ns, String key) throws Exception {
    String path = call.path().replace("{ns}", ns).replace("{id}", "http-" + ids.incrementAndGet());
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + sundial.httpPort() + path)).timeout(Duration.ofSeconds(10));
    if (key != null) b.header("Authorization", "Bearer " + key);
    b.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(call.body()));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRoleOverHttpOnItsNamespaceAndAnother() throws Exception {
    List<String> wrong = new ArrayList<>();
    List<Caller> callers = new ArrayList<>(CALLERS);
    callers.add(null);
    for (Caller caller : callers) {
      String key = caller == null ? null : keys.get(caller.label());
      for (HttpCall call : HTTP_CALLS) {
        for (String ns : List.of("a", "b")) {
          HttpResponse<String> r = send(call, ns, key);
          boolean expected = allowed(caller, call.group(), ns);
          int refusal = caller == null ? 401 : 403;
          boolean ok = expected ? r.statusCode() != 401 && r.statusCode() != 403
              : r.statusCode() == refusal && r.body().contains("\"code\":" + (caller == null ? 16 : 7));
          if (!ok) {
            wrong.add((caller == null ? "no credentials" : caller.label()) + " " + call.name()
                + " on " + ns + ": " + r.statusCode() + " " + r.body());
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void overHttpABadKeyIsRefusedAndSundialsOwnHeadersCannotBeForged() throws Exception {
    HttpCall list = HTTP_CALLS.get(1);
    HttpResponse<String> bad = send(list, "a", "sundial_wrong");
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).contains("\"code\":16").contains("not valid");

    Metadata forged = new Metadata();
    PrincipalHeader.attach(forged, Grants.parse(List.of("system:admin")).principal("mallory", "api-key"),
        false, "guessed-proof");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + sundial.httpPort() + "/api/v1/namespaces/a/workflows"));
    b.header("Grpc-Metadata-sundial-principal", forged.get(PrincipalHeader.PRINCIPAL));
    b.header("Grpc-Metadata-sundial-principal-proof", "guessed-proof");
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401); // treated as a caller without credentials
  }
}
