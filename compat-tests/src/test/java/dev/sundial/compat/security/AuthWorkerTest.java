package dev.sundial.compat.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.sundial.compat.security.TlsWorkerTest.Greeter;
import dev.sundial.compat.security.TlsWorkerTest.GreeterImpl;
import dev.sundial.compat.security.TlsWorkerTest.Greetings;
import dev.sundial.server.Sundial;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.security.AuthConfig;
import dev.sundial.server.security.JwtAuthenticator;
import dev.sundial.server.security.TestCertificates;
import dev.sundial.server.security.TlsConfig;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Java SDK against a server that requires authentication, with each method: an API
 * key (the SDK's addApiKey option), a JWT (the same header), and a client certificate whose
 * subject a rule maps to a role. Workers get the worker role, starters the write role.
 */
class AuthWorkerTest {
  static final byte[] SECRET = "a shared secret of at least 32 bytes!".getBytes(StandardCharsets.UTF_8);
  @TempDir static Path dir;
  static TestCertificates.Pki pki;
  static TestCertificates.PemFiles workerCert;
  static Sundial sundial;

  @BeforeAll
  static void start() throws Exception {
    pki = TestCertificates.writeSet(dir);
    workerCert = TestCertificates.client(pki.ca(), "worker-7.example.com").written(dir, "worker");
    sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0).namespace("orders")
        .tls(new TlsConfig(pki.serverFiles().cert(), pki.serverFiles().key(), pki.caFile(), false))
        .auth(new AuthConfig(Set.of(AuthConfig.Method.API_KEY, AuthConfig.Method.JWT,
            AuthConfig.Method.MTLS),
            new JwtAuthenticator.Config(null, null, SECRET, "sundial", null),
            List.of("worker-*.example.com=orders:worker"), null))
        .start();
  }

  @AfterAll
  static void stop() {
    if (sundial != null) sundial.close();
  }

  static String apiKey(String name, String role) {
    return ClientCalls.blockingUnaryCall(sundial.newInProcessChannel(), AdminApi.CREATE_API_KEY,
        CallOptions.DEFAULT, CreateApiKeyRequest.newBuilder().setName(name).addRoles(role).build())
        .getKey();
  }

  static String jwt(String subject, List<String> permissions, Instant expires) throws Exception {
    var claims = new JWTClaimsSet.Builder().subject(subject).audience("sundial")
        .expirationTime(Date.from(expires)).claim("permissions", permissions).build();
    SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    token.sign(new MACSigner(SECRET));
    return token.serialize();
  }

  /** A connection over TLS (server-verified), with a client certificate or a bearer token. */
  static WorkflowServiceStubs stubs(TestCertificates.PemFiles cert, String bearer) throws Exception {
    var ssl = GrpcSslContexts.forClient().trustManager(pki.caFile().toFile());
    if (cert != null) ssl.keyManager(cert.cert().toFile(), cert.key().toFile());
    SslContext context = ssl.build();
    var options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget("localhost:" + sundial.grpcPort()).setSslContext(context)
        .setRpcTimeout(Duration.ofSeconds(10));
    if (bearer != null) options.addApiKey(() -> bearer);
    return WorkflowServiceStubs.newServiceStubs(options.build());
  }

  static String runGreeting(WorkflowServiceStubs workerConnection, WorkflowServiceStubs starter,
      String id) {
    WorkflowClientOptions ns = WorkflowClientOptions.newBuilder().setNamespace("orders").build();
    WorkerFactory factory =
        WorkerFactory.newInstance(WorkflowClient.newInstance(workerConnection, ns));
    var worker = factory.newWorker("auth-" + id);
    worker.registerWorkflowImplementationTypes(GreeterImpl.class);
    worker.registerActivitiesImplementations((Greetings) name -> "Hello " + name);
    factory.start();
    try {
      return WorkflowClient.newInstance(starter, ns).newWorkflowStub(Greeter.class,
          WorkflowOptions.newBuilder().setTaskQueue("auth-" + id).setWorkflowId(id).build())
          .greet(id);
    } finally {
      factory.shutdownNow();
    }
  }

  static Status.Code refusal(Throwable thrown) {
    Throwable t = thrown;
    while (t != null && !(t instanceof StatusRuntimeException)) t = t.getCause();
    assertThat(t).as("a gRPC status in %s", thrown).isInstanceOf(StatusRuntimeException.class);
    return ((StatusRuntimeException) t).getStatus().getCode();
  }

  @Test
  void apiKeysForTheWorkerAndTheStarter() throws Exception {
    WorkflowServiceStubs worker = stubs(null, apiKey("orders-worker", "orders:worker"));
    WorkflowServiceStubs starter = stubs(null, apiKey("orders-app", "orders:write"));
    try {
      assertThat(runGreeting(worker, starter, "with-api-keys")).isEqualTo("Hello with-api-keys");
      // The worker's key may not start workflows.
      Throwable thrown = catchThrowable(() -> WorkflowClient.newInstance(worker,
              WorkflowClientOptions.newBuilder().setNamespace("orders").build())
          .newUntypedWorkflowStub("Greeter", WorkflowOptions.newBuilder().setTaskQueue("x")
              .setWorkflowId("worker-may-not-start").build()).start("x"));
      assertThat(refusal(thrown)).isEqualTo(Status.Code.PERMISSION_DENIED);
    } finally {
      worker.shutdownNow();
      starter.shutdownNow();
    }
  }

  @Test
  void jwtsAndAClientCertificateMappedToTheWorkerRole() throws Exception {
    // The worker authenticates with its certificate alone; the starter with a JWT.
    WorkflowServiceStubs worker = stubs(workerCert, null);
    WorkflowServiceStubs starter = stubs(null,
        jwt("orders-app", List.of("orders:write"), Instant.now().plusSeconds(300)));
    WorkflowServiceStubs expired = stubs(null,
        jwt("orders-app", List.of("orders:write"), Instant.now().minusSeconds(300)));
    try {
      assertThat(runGreeting(worker, starter, "with-jwt-and-mtls")).isEqualTo("Hello with-jwt-and-mtls");
      Throwable thrown = catchThrowable(() -> WorkflowClient.newInstance(expired,
              WorkflowClientOptions.newBuilder().setNamespace("orders").build())
          .newUntypedWorkflowStub("Greeter", WorkflowOptions.newBuilder().setTaskQueue("x")
              .setWorkflowId("expired-token").build()).start("x"));
      assertThat(refusal(thrown)).isEqualTo(Status.Code.UNAUTHENTICATED);
    } finally {
      worker.shutdownNow();
      starter.shutdownNow();
      expired.shutdownNow();
    }
  }
}
