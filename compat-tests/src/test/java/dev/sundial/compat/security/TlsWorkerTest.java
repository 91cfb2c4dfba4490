package dev.sundial.compat.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sundial.server.Sundial;
import dev.sundial.server.security.TestCertificates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Java SDK, worker and client, over mutual TLS; clients without it are refused. */
class TlsWorkerTest {
  @TempDir static Path dir;
  static Path caFile;
  static TestCertificates.PemFiles clientFiles;
  static Sundial sundial;

  @WorkflowInterface
  public interface Greeter {
    @WorkflowMethod
    String greet(String name);
  }

  @ActivityInterface
  public interface Greetings {
    String hello(String name);
  }

  public static class GreeterImpl implements Greeter {
    private final Greetings greetings = Workflow.newActivityStub(Greetings.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

    @Override
    public String greet(String name) {
      return greetings.hello(name);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    TestCertificates.Pki pki = TestCertificates.writeSet(dir);
    caFile = pki.caFile();
    clientFiles = pki.clientFiles();
    sundial = Sundial.builder().inMemory().grpc("127.0.0.1", 0).tls(pki.mutualTls()).start();
  }

  @AfterAll
  static void stop() {
    if (sundial != null) sundial.close();
  }

  private static WorkflowServiceStubs stubs(SslContext ssl) {
    return WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("localhost:" + sundial.grpcPort())
        .setSslContext(ssl)
        .setRpcTimeout(Duration.ofSeconds(10))
        .build());
  }

  @Test
  void aWorkerAndAClientWithCertificatesRunAWorkflow() throws Exception {
    SslContext ssl = GrpcSslContexts.forClient().trustManager(caFile.toFile())
        .keyManager(clientFiles.cert().toFile(), clientFiles.key().toFile()).build();
    WorkflowServiceStubs service = stubs(ssl);
    try {
      WorkflowClient client = WorkflowClient.newInstance(service);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      var worker = factory.newWorker("tls");
      worker.registerWorkflowImplementationTypes(GreeterImpl.class);
      worker.registerActivitiesImplementations((Greetings) name -> "Hello " + name);
      factory.start();
      try {
        String result = client.newWorkflowStub(Greeter.class, WorkflowOptions.newBuilder()
            .setTaskQueue("tls").setWorkflowId("tls-1").build()).greet("mTLS");
        assertThat(result).isEqualTo("Hello mTLS");
      } finally {
        factory.shutdownNow();
      }
    } finally {
      service.shutdownNow();
    }
  }

  @Test
  void aClientWithoutACertificateIsRefused() throws Exception {
    SslContext noCert = GrpcSslContexts.forClient().trustManager(caFile.toFile()).build();
    WorkflowServiceStubs service = stubs(noCert);
    try {
      Throwable thrown = catchThrowable(() -> WorkflowClient.newInstance(service)
          .newUntypedWorkflowStub("Greeter", WorkflowOptions.newBuilder().setTaskQueue("tls")
              .setWorkflowId("refused").build()).start("x"));
      Throwable t = thrown;
      while (t != null && !(t instanceof StatusRuntimeException)) t = t.getCause();
      assertThat(t).as("a gRPC status in %s", thrown).isInstanceOf(StatusRuntimeException.class);
      assertThat(((StatusRuntimeException) t).getStatus().getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      service.shutdownNow();
    }
  }
}
