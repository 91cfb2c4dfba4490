package dev.sundial.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Flag > environment variable > config-file profile > default, for every client setting. */
class ClientOptionsTest {
  @TempDir Path home;

  private static ClientSettings resolve(Map<String, String> env, String... args) {
    ClientOptions o = new ClientOptions();
    new CommandLine(o).parseArgs(args);
    return o.resolve(env);
  }

  private Path writeConfig(String toml) throws Exception {
    Path file = home.resolve(".config/temporalio/temporal.toml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, toml);
    return file;
  }

  @Test
  void defaultsWithNothingSet() {
    ClientSettings s = resolve(Map.of());
    assertThat(s.address()).isEqualTo("127.0.0.1:7233");
    assertThat(s.namespace()).isEqualTo("default");
    assertThat(s.tls()).isFalse();
    assertThat(s.apiKey()).isNull();
  }

  @Test
  void flagBeatsEnvironmentBeatsProfile() throws Exception {
    writeConfig("""
        [profile.default]
        address = "profile-host:7233"
        namespace = "profile-ns"
        api_key = "profile-key"
        tls = false
        [profile.default.grpc_meta]
        x-team = "payments"
        [profile.staging]
        address = "staging:7233"
        [profile.staging.tls]
        server_name = "staging.internal"
        """);
    Map<String, String> env = Map.of("HOME", home.toString());
    ClientSettings fromProfile = resolve(env);
    assertThat(fromProfile.address()).isEqualTo("profile-host:7233");
    assertThat(fromProfile.namespace()).isEqualTo("profile-ns");
    assertThat(fromProfile.apiKey()).isEqualTo("profile-key");
    assertThat(fromProfile.tls()).as("tls = false in the profile wins over the API key's implied TLS").isFalse();
    assertThat(fromProfile.grpcMeta()).containsEntry("x-team", "payments");

    Map<String, String> withEnv = Map.of("HOME", home.toString(), "TEMPORAL_ADDRESS", "env-host:7233",
        "TEMPORAL_NAMESPACE", "env-ns");
    assertThat(resolve(withEnv).address()).isEqualTo("env-host:7233");
    assertThat(resolve(withEnv).namespace()).isEqualTo("env-ns");
    ClientSettings flags = resolve(withEnv, "--address", "flag-host:7233", "-n", "flag-ns");
    assertThat(flags.address()).isEqualTo("flag-host:7233");
    assertThat(flags.namespace()).isEqualTo("flag-ns");

    ClientSettings staging = resolve(Map.of("HOME", home.toString(), "TEMPORAL_PROFILE", "staging"));
    assertThat(staging.address()).isEqualTo("staging:7233");
    assertThat(staging.tls()).as("a tls table turns TLS on").isTrue();
    assertThat(staging.tlsServerName()).isEqualTo("staging.internal");
    assertThat(resolve(env, "--profile", "staging").address()).isEqualTo("staging:7233");
  }

  @Test
  void anApiKeyImpliesTlsUnlessTurnedOff() {
    assertThat(resolve(Map.of("TEMPORAL_API_KEY", "k")).tls()).isTrue();
    assertThat(resolve(Map.of("TEMPORAL_API_KEY", "k"), "--tls=false").tls()).isFalse();
    assertThat(resolve(Map.of("TEMPORAL_API_KEY", "k", "TEMPORAL_TLS", "false")).tls()).isFalse();
    assertThat(resolve(Map.of(), "--tls-server-name", "x").tls()).isTrue();
    assertThat(resolve(Map.of("TEMPORAL_TLS_SERVER_CA_CERT_DATA", "-----BEGIN CERTIFICATE-----")).tls()).isTrue();
  }

  @Test
  void certificatesComeAsPathsOrAsDataWithTheirKeys() {
    ClientSettings data = resolve(Map.of("TEMPORAL_TLS_CLIENT_CERT_DATA", "cert", "TEMPORAL_TLS_CLIENT_KEY_DATA", "key"));
    assertThat(data.tlsCertData()).isEqualTo("cert");
    assertThat(data.tlsKeyData()).isEqualTo("key");
    assertThat(data.tls()).isTrue();
    assertThatThrownBy(() -> resolve(Map.of(), "--tls-cert-path", "a.pem"))
        .hasMessageContaining("go together");
    assertThatThrownBy(() -> resolve(Map.of(), "--tls-cert-path", "a.pem", "--tls-cert-data", "x",
        "--tls-key-data", "k")).hasMessageContaining("not both");
    assertThatThrownBy(() -> resolve(Map.of(), "--tls-ca-path", "a.pem", "--tls-ca-data", "x"))
        .hasMessageContaining("not both");
  }

  @Test
  void badProfilesAndFilesNameTheFlag() throws Exception {
    Path file = writeConfig("[profile.default]\naddress = \"a:1\"\n");
    assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString()), "--profile", "nope"))
        .hasMessageContaining("--profile nope is not in");
    assertThatThrownBy(() -> resolve(Map.of(), "--config-file", home.resolve("missing.toml").toString()))
        .hasMessageContaining("--config-file");
    Files.writeString(file, "[profile.default\n");
    assertThatThrownBy(() -> resolve(Map.of("HOME", home.toString())))
        .hasMessageContaining("cannot read config file");
    assertThat(resolve(Map.of("XDG_CONFIG_HOME", home.resolve("elsewhere").toString())).address())
        .as("no file where XDG_CONFIG_HOME points: defaults").isEqualTo("127.0.0.1:7233");
    assertThatThrownBy(() -> resolve(Map.of(), "--grpc-meta", "novalue"))
        .hasMessageContaining("--grpc-meta");
    assertThatThrownBy(() -> resolve(Map.of("TEMPORAL_TLS", "maybe")))
        .hasMessageContaining("--tls");
  }
}
