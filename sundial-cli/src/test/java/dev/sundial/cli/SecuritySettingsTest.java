package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sundial.server.security.AuthConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS, authentication and exposure settings of {@code server start}: flags, environment, config, errors. */
class SecuritySettingsTest {
  @TempDir Path tmp;

  private static ServerStartCommand.Settings settings(Map<String, String> env, String... args) {
    return ServerStartSettingsTest.settings(env, args);
  }

  private Path file(String name) throws IOException {
    return Files.writeString(tmp.resolve(name), "not read here");
  }

  @Test
  void plaintextOnLoopbackByDefault() {
    var s = settings(Map.of()).security();
    assertThat(s.tls()).isNull();
    assertThat(s.allowInsecure()).isFalse();
  }

  @Test
  void tlsFilesComeFromFlagsTheEnvironmentOrTheConfigFile() throws IOException {
    Path cert = file("c.pem");
    Path key = file("k.pem");
    Path ca = file("ca.pem");
    var flags = settings(Map.of(), "--tls-cert", cert.toString(), "--tls-key", key.toString(),
        "--tls-client-ca", ca.toString(), "--tls-require-client-cert").security().tls();
    assertThat(flags.certFile()).isEqualTo(cert);
    assertThat(flags.keyFile()).isEqualTo(key);
    assertThat(flags.clientCaFile()).isEqualTo(ca);
    assertThat(flags.requireClientCert()).isTrue();
    var env = settings(Map.of("SUNDIAL_TLS_CERT", cert.toString(), "SUNDIAL_TLS_KEY",
        key.toString())).security().tls();
    assertThat(env.certFile()).isEqualTo(cert);
    assertThat(env.clientCaFile()).isNull();
    Path config = Files.writeString(tmp.resolve("sundial.properties"),
        "tls-cert=" + cert + "\ntls-key=" + key + "\nallow-insecure=true\n");
    var fromConfig = settings(Map.of(), "--config", config.toString()).security();
    assertThat(fromConfig.tls().keyFile()).isEqualTo(key);
    assertThat(fromConfig.allowInsecure()).isTrue();
  }

  @Test
  void internodeTlsForClusterNodes() throws IOException {
    Path cert = file("c.pem");
    Path ca = file("nodes-ca.pem");
    var s = settings(Map.of(), "--tls-cert", cert.toString(), "--tls-key", cert.toString(),
        "--internode-tls-ca", ca.toString(), "--internode-tls-server-name", "sundial-node")
        .security().internode();
    assertThat(s.caFile()).isEqualTo(ca);
    assertThat(s.serverName()).isEqualTo("sundial-node");
    assertThatThrownBy(() -> settings(Map.of(), "--internode-tls-ca", ca.toString()))
        .hasMessageContaining("--internode-tls-ca needs TLS");
  }

  @Test
  void incompleteOrUnreadableTlsSettingsAreRefusedByName() throws IOException {
    Path cert = file("c.pem");
    assertThatThrownBy(() -> settings(Map.of(), "--tls-cert", cert.toString()))
        .hasMessageContaining("--tls-key").hasMessageContaining("--tls-cert");
    assertThatThrownBy(() -> settings(Map.of(), "--tls-client-ca", cert.toString()))
        .hasMessageContaining("--tls-client-ca needs TLS");
    assertThatThrownBy(() -> settings(Map.of(), "--tls-cert", cert.toString(), "--tls-key",
        cert.toString(), "--tls-require-client-cert"))
        .hasMessageContaining("--tls-client-ca");
    assertThatThrownBy(() -> settings(Map.of(), "--tls-cert", cert.toString(), "--tls-key",
        tmp.resolve("missing.pem").toString()))
        .hasMessageContaining("--tls-key: cannot read the file");
  }

  @Test
  void authenticationMethodsAndTheirSettings() throws IOException {
    assertThat(settings(Map.of(), "--auth", "none").security().auth()).isNull();
    Path jwks = file("jwks.json");
    Path adminKey = tmp.resolve("admin.key");
    var auth = settings(Map.of(), "--auth", "api-key,jwt,mtls", "--jwt-jwks-file", jwks.toString(),
        "--jwt-audience", "sundial", "--mtls-role", "worker-*=orders:worker",
        "--mtls-role", "ops.example.com=system:admin",
        "--bootstrap-admin-key-file", adminKey.toString()).security().auth();
    assertThat(auth.methods()).containsExactlyInAnyOrder(AuthConfig.Method.API_KEY,
        AuthConfig.Method.JWT, AuthConfig.Method.MTLS);
    assertThat(auth.jwt().jwksFile()).isEqualTo(jwks);
    assertThat(auth.jwt().audience()).isEqualTo("sundial");
    assertThat(auth.jwt().permissionsClaim()).isEqualTo("permissions");
    assertThat(auth.certificateRoles())
        .containsExactly("worker-*=orders:worker", "ops.example.com=system:admin");
    assertThat(auth.bootstrapAdminKeyFile()).isEqualTo(adminKey);

    Path secret = Files.writeString(tmp.resolve("hs256"), "0123456789abcdef0123456789abcdef\n");
    Path config = Files.writeString(tmp.resolve("auth.properties"),
        "auth=jwt\njwt-permissions-claim=roles\n");
    var fromEnvAndConfig = settings(Map.of("SUNDIAL_JWT_HS256_SECRET_FILE", secret.toString()),
        "--config", config.toString()).security().auth();
    assertThat(fromEnvAndConfig.jwt().hmacSecret()).hasSize(32);
    assertThat(fromEnvAndConfig.jwt().permissionsClaim()).isEqualTo("roles");
  }

  @Test
  void badAuthenticationSettingsAreRefusedByName() {
    assertThatThrownBy(() -> settings(Map.of(), "--auth", "password"))
        .hasMessageContaining("--auth").hasMessageContaining("api-key, jwt, mtls");
    assertThatThrownBy(() -> settings(Map.of(), "--auth", "jwt"))
        .hasMessageContaining("--jwt-jwks-file");
    assertThatThrownBy(() -> settings(Map.of(), "--bootstrap-admin-key-file", "k"))
        .hasMessageContaining("--bootstrap-admin-key-file needs --auth");
    assertThatThrownBy(() -> settings(Map.of(), "--auth", "jwt", "--jwt-jwks-url", "ftp://x/jwks"))
        .hasMessageContaining("--jwt-jwks-url: not a JWKS URL");
    assertThatThrownBy(() -> settings(Map.of(), "--auth", "mtls", "--mtls-role", "nobody"))
        .hasMessageContaining("<subject pattern>=<namespace>:<role>");
  }
}
