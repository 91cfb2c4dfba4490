package dev.sundial.cli.client;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a Temporal server through the official SDK's service stubs: TLS, API key and
 * metadata as configured; every call bounded by --command-timeout when given.
 */
public final class Client implements AutoCloseable {
  private final ClientSettings settings;
  private final WorkflowServiceStubs workflowStubs;
  private final OperatorServiceStubsOptions operatorOptions;
  private OperatorServiceStubs operatorStubs; // made on first use: most commands need none
  private final Deadline deadline;
  private final Metadata headers = new Metadata();

  public Client(ClientSettings settings) {
    this.settings = settings;
    settings.grpcMeta().forEach((k, v) ->
        headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    if (settings.apiKey() != null) {
      headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + settings.apiKey());
    }
    SslContext ssl = settings.tls() ? sslContext(settings) : null;
    var workflowOptions = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(settings.address())
        .setHeaders(headers)
        .setEnableHttps(settings.tls());
    var operatorOptions = OperatorServiceStubsOptions.newBuilder()
        // The SDK's operator stubs need a metrics scope of their own (none by default).
        .setMetricsScope(new com.uber.m3.tally.NoopScope())
        .setTarget(settings.address())
        .setHeaders(headers)
        .setEnableHttps(settings.tls());
    if (ssl != null) {
      workflowOptions.setSslContext(ssl);
      operatorOptions.setSslContext(ssl);
    }
    if (settings.tlsServerName() != null) {
      workflowOptions.setChannelInitializer(b -> b.overrideAuthority(settings.tlsServerName()));
      operatorOptions.setChannelInitializer(b -> b.overrideAuthority(settings.tlsServerName()));
    }
    this.workflowStubs = WorkflowServiceStubs.newServiceStubs(workflowOptions.build());
    this.operatorOptions = operatorOptions.build();
    this.deadline = settings.commandTimeout() == null ? null
        : Deadline.after(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static SslContext sslContext(ClientSettings s) {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (s.tlsDisableHostVerification()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (s.tlsCaPath() != null) {
        b.trustManager(new File(s.tlsCaPath()));
      } else if (s.tlsCaData() != null) {
        b.trustManager(pem(s.tlsCaData()));
      }
      if (s.tlsCertPath() != null || s.tlsCertData() != null) {
        b.keyManager(
            s.tlsCertPath() != null ? new FileInputStream(s.tlsCertPath()) : pem(s.tlsCertData()),
            s.tlsKeyPath() != null ? new FileInputStream(s.tlsKeyPath()) : pem(s.tlsKeyData()));
      }
      return b.build();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  private static InputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }

  public ClientSettings settings() {
    return settings;
  }

  public String namespace() {
    return settings.namespace();
  }

  public String identity() {
    return settings.identity();
  }

  /** The blocking WorkflowService stub, with the command's deadline. */
  public WorkflowServiceGrpc.WorkflowServiceBlockingStub workflow() {
    var stub = workflowStubs.blockingStub();
    return deadline == null ? stub : stub.withDeadline(deadline);
  }

  /** The same with a deadline of its own (long polls), never past the command's. */
  public WorkflowServiceGrpc.WorkflowServiceBlockingStub workflow(Duration within) {
    Deadline own = Deadline.after(within.toMillis(), TimeUnit.MILLISECONDS);
    return workflowStubs.blockingStub().withDeadline(deadline == null ? own : deadline.minimum(own));
  }

  /**
   * One call of a service the SDK has no stubs for (Sundial's admin API), with the same
   * connection, credentials and deadline.
   */
  public <Q, R> R call(MethodDescriptor<Q, R> method, Q request) {
    CallOptions options = CallOptions.DEFAULT.withDeadline(
        deadline == null ? Deadline.after(30, TimeUnit.SECONDS) : deadline);
    return ClientCalls.blockingUnaryCall(ClientInterceptors.intercept(workflowStubs.getRawChannel(),
        MetadataUtils.newAttachHeadersInterceptor(headers)), method, options, request);
  }

  /** Whether the command's --command-timeout has passed. */
  public boolean expired() {
    return deadline != null && deadline.isExpired();
  }

  public synchronized OperatorServiceGrpc.OperatorServiceBlockingStub operator() {
    if (operatorStubs == null) {
      operatorStubs = OperatorServiceStubs.newServiceStubs(operatorOptions);
    }
    var stub = operatorStubs.blockingStub();
    return deadline == null ? stub : stub.withDeadline(deadline);
  }

  public WorkflowServiceStubs workflowStubs() {
    return workflowStubs;
  }

  @Override
  public synchronized void close() {
    workflowStubs.shutdownNow();
    if (operatorStubs != null) operatorStubs.shutdownNow();
  }
}
