package dev.sundial.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.cli.CliHarness.Run;
import dev.sundial.cli.CliHarness;
import dev.sundial.server.Sundial;
import dev.sundial.server.security.TestCertificates;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a server that requires mutual TLS. */
class TlsClientTest {
  @TempDir static Path dir;
  static Path caFile;
  static TestCertificates.PemFiles clientFiles;
  static Sundial sundial;

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

  private static Run cli(String... tlsArgs) {
    String[] args = new String[tlsArgs.length + 5];
    args[0] = "operator";
    args[1] = "namespace";
    args[2] = "list";
    args[3] = "--address";
    args[4] = "localhost:" + sundial.grpcPort();
    System.arraycopy(tlsArgs, 0, args, 5, tlsArgs.length);
    return CliHarness.run(Map.of(), args);
  }

  @Test
  void withTheCaAndAClientCertificateTheCommandsWork() {
    Run r = cli("--tls-ca-path", caFile.toString(), "--tls-cert-path",
        clientFiles.cert().toString(), "--tls-key-path", clientFiles.key().toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("default");
  }

  @Test
  void withoutTlsOrWithoutACertificateTheyFailWithAnError() {
    Run plain = cli("--command-timeout", "5s");
    assertThat(plain.code()).isEqualTo(1);
    assertThat(plain.err()).startsWith("Error:").contains("UNAVAILABLE");
    Run noCert = cli("--tls-ca-path", caFile.toString(), "--command-timeout", "5s");
    assertThat(noCert.code()).isEqualTo(1);
    assertThat(noCert.err()).startsWith("Error:").contains("UNAVAILABLE");
  }
}
