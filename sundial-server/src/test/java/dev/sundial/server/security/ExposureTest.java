package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.Sundial;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExposureTest {
  private static List<Exposure.Listener> on(String host) {
    return List.of(new Exposure.Listener("gRPC", "127.0.0.1", 7233),
        new Exposure.Listener("web UI", host, 8233));
  }

  @Test
  void loopbackListenersNeedNothing() {
    for (String host : new String[] {"127.0.0.1", "localhost", "::1", "127.0.0.2"}) {
      assertThatCode(() -> Exposure.check(on(host), false, false, false)).as(host)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aListenerBeyondLoopbackIsRefusedNamingTheFixes() {
    assertThatThrownBy(() -> Exposure.check(on("0.0.0.0"), false, false, false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("web UI on 0.0.0.0:8233")
        .hasMessageContaining("--tls-cert").hasMessageContaining("--auth")
        .hasMessageContaining("--allow-insecure")
        .message().doesNotContain("gRPC on 127.0.0.1");
    assertThatThrownBy(() -> Exposure.check(on("0.0.0.0"), true, false, false))
        .hasMessageContaining("without authentication (--auth)")
        .message().doesNotContain("--tls-cert");
  }

  @Test
  void tlsAndAuthenticationTogetherMayListenAnywhere() {
    assertThatCode(() -> Exposure.check(on("0.0.0.0"), true, true, false)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Exposure.check(on("0.0.0.0"), false, true, false))
        .hasMessageContaining("without TLS (--tls-cert, --tls-key)")
        .message().doesNotContain("--auth)");
  }

  @Test
  void theOperatorMayAcceptTheRisk() {
    assertThatCode(() -> Exposure.check(on("0.0.0.0"), false, false, true)).doesNotThrowAnyException();
  }

  @Test
  void aPostgresNodeWithTlsNeedsTheInternodeCa() {
    // Refused before the database is reached (nothing listens on port 1).
    assertThatThrownBy(() -> Sundial.builder()
        .postgres(PostgresConfig.parse("postgres://sundial@127.0.0.1:1/sundial"))
        .tls(TlsConfig.of(Path.of("server.crt"), Path.of("server.key")))
        .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs --internode-tls-ca");
    assertThatThrownBy(() -> Sundial.builder().inMemory()
        .internodeTls(new InternodeTls(Path.of("ca.crt"), null)).start())
        .hasMessageContaining("--internode-tls-ca needs TLS");
  }

  @Test
  void aServerBoundToTheWildcardAddressRefusesToStartUnlessAllowed() {
    assertThatThrownBy(() -> Sundial.builder().inMemory().grpc("0.0.0.0", 0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gRPC on 0.0.0.0:0");
    try (Sundial s = Sundial.builder().inMemory().grpc("0.0.0.0", 0).allowInsecure(true).start()) {
      assertThat(s.grpcPort()).isPositive();
    }
  }
}
