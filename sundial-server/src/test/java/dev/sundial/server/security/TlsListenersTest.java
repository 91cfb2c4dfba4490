package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.server.Sundial;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the gRPC, HTTP API and UI listeners, with certificates made by the test. */
class TlsListenersTest {
  @TempDir static Path dir;
  static TestCertificates.Issued ca;
  static TestCertificates.Issued serverCert;
  static TestCertificates.PemFiles serverFiles;
  static TestCertificates.Issued client;
  static TestCertificates.PemFiles clientFiles;
  static TestCertificates.PemFiles rogueClientFiles;
  static Path caFile;
  static Sundial sundial;

  @BeforeAll
  static void start() throws Exception {
    TestCertificates.Pki pki = TestCertificates.writeSet(dir);
    ca = pki.ca();
    caFile = pki.caFile();
    serverCert = pki.server();
    serverFiles = pki.serverFiles();
    client = pki.client();
    clientFiles = pki.clientFiles();
    rogueClientFiles =
        TestCertificates.client(TestCertificates.ca("Other CA"), "intruder").written(dir, "rogue");
    sundial = Sundial.builder().inMemory()
        .grpc("127.0.0.1", 0).httpApi("127.0.0.1", 0).ui("127.0.0.1", 0)
        .tls(pki.mutualTls())
        .tlsReloadEvery(Duration.ofMillis(200))
        .start();
  }

  @AfterAll
  static void stop() {
    if (sundial != null) sundial.close();
  }

  private static ManagedChannel channel(TestCertificates.PemFiles client) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(caFile.toFile());
    if (client != null) ssl.keyManager(client.cert().toFile(), client.key().toFile());
    return NettyChannelBuilder.forAddress("localhost", sundial.grpcPort())
        .sslContext(ssl.build()).build();
  }

  private static Status.Code systemInfoOver(ManagedChannel channel) {
    try {
      WorkflowServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aClientWithACertificateOfTheClientCaIsServed() throws Exception {
    assertThat(systemInfoOver(channel(clientFiles))).isEqualTo(Status.Code.OK);
  }

  @Test
  void clientsWithoutOrWithAForeignCertificateAreRefused() throws Exception {
    assertThat(systemInfoOver(channel(null))).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(systemInfoOver(channel(rogueClientFiles))).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void aPlaintextClientIsRefused() {
    ManagedChannel plain =
        NettyChannelBuilder.forAddress("127.0.0.1", sundial.grpcPort()).usePlaintext().build();
    assertThat(systemInfoOver(plain)).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void theHttpListenersSpeakHttpsOnly() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(jdkContext(client)).build();
    for (int port : new int[] {sundial.httpPort(), sundial.uiPort()}) {
      HttpResponse<String> r = https.send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/namespaces"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("port %d", port).isEqualTo(200);
      assertThat(r.body()).contains("\"default\"");
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThatThrownBy(() -> plain.send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/namespaces"))
              .timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void onlyTls12AndNewerAreNegotiated() throws Exception {
    try (SSLSocket s = (SSLSocket) jdkContext(client).getSocketFactory()
        .createSocket("localhost", sundial.grpcPort())) {
      s.startHandshake();
      assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void aRotatedCertificateIsServedWithoutRestart() throws Exception {
    BigInteger before = servedSerial();
    assertThat(before).isEqualTo(serverCert.cert().getSerialNumber());
    TestCertificates.Issued next = TestCertificates.server(ca);
    next.written(dir, "server"); // the same files, new contents
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    BigInteger now = before;
    while (!now.equals(next.cert().getSerialNumber()) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // poll interval: the files are checked every 200 ms
      now = servedSerial();
    }
    assertThat(now).as("serial served after rotation").isEqualTo(next.cert().getSerialNumber());
    assertThat(servedSerial(sundial.httpPort())).isEqualTo(next.cert().getSerialNumber());
    assertThat(systemInfoOver(channel(clientFiles))).isEqualTo(Status.Code.OK);
  }

  @Test
  void aCertificateWithoutItsKeyYetKeepsThePreviousPairServed() throws Exception {
    BigInteger served = servedSerial();
    TestCertificates.Issued next = TestCertificates.server(ca);
    TestCertificates.writeAtomically(serverFiles.cert(), TestCertificates.pem(next.cert()));
    // For five reload periods every handshake still works, with the pair that matches.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
    while (System.nanoTime() < until) {
      assertThat(servedSerial()).isEqualTo(served);
    }
    TestCertificates.writeAtomically(serverFiles.key(), TestCertificates.pem(next.keys().getPrivate()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    BigInteger now = served;
    while (!now.equals(next.cert().getSerialNumber()) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // poll interval
      now = servedSerial();
    }
    assertThat(now).isEqualTo(next.cert().getSerialNumber());
  }

  private static BigInteger servedSerial() throws Exception {
    return servedSerial(sundial.grpcPort());
  }

  private static BigInteger servedSerial(int port) throws Exception {
    try (SSLSocket s = (SSLSocket) jdkContext(client).getSocketFactory()
        .createSocket("localhost", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  /** A JDK TLS context trusting the test CA and presenting the given client certificate. */
  private static SSLContext jdkContext(TestCertificates.Issued client) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.cert());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", client.keys().getPrivate(), new char[0],
        new X509Certificate[] {client.cert(), ca.cert()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
