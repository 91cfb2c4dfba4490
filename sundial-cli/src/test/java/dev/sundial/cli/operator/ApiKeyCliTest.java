package dev.sundial.cli.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.sundial.cli.CliHarness;
import dev.sundial.cli.CliHarness.Run;
import dev.sundial.server.Sundial;
import dev.sundial.server.security.AuthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys and UI users end to end with the CLI: a secured server makes its first admin key, the admin creates
 * a namespace-scoped key, that key works only where its role allows, and once revoked not at all.
 */
class ApiKeyCliTest {
  @TempDir Path dir;

  private static Sundial start(Path db, Path adminKeyFile) {
    return Sundial.builder().dbFile(db).grpc("127.0.0.1", 0)
        .auth(AuthConfig.apiKeys(adminKeyFile)).start();
  }

  private static Run cli(Sundial s, String key, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--address", "127.0.0.1:" + s.grpcPort(), "--command-timeout", "10s"));
    // An API key turns TLS on by default (as with temporal); this loopback server is plaintext.
    if (key != null) all.addAll(List.of("--api-key", key, "--tls=false"));
    return CliHarness.run(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void aBootstrapAdminCreatesListsAndRevokesKeys() throws Exception {
    Path db = dir.resolve("sundial.db");
    Path adminFile = dir.resolve("secrets/admin.key");
    String created;
    try (Sundial s = start(db, adminFile)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminFile)))
          .isEqualTo("rw-------");
      String admin = Files.readString(adminFile).strip();
      assertThat(admin).startsWith("sundial_").hasSizeGreaterThan(40);

      Run none = cli(s, null, "operator", "namespace", "list");
      assertThat(none.code()).isEqualTo(1);
      assertThat(none.err()).contains("UNAUTHENTICATED").contains("authorization: Bearer");

      Run create = cli(s, admin, "operator", "api-key", "create", "--name", "ci",
          "--role", "default:write", "--owner", "build@example.com", "-o", "json");
      assertThat(create.code()).as(create.err()).isZero();
      var json = JsonParser.parseString(create.out()).getAsJsonObject();
      created = json.get("key").getAsString();
      assertThat(created).startsWith("sundial_");
      assertThat(json.get("name").getAsString()).isEqualTo("ci");
      assertThat(json.getAsJsonArray("roles").get(0).getAsString()).isEqualTo("default:write");

      Run text = cli(s, admin, "operator", "api-key", "create", "--name", "reader",
          "--role", "default:read", "--expires-in", "24h");
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).contains("Key").contains("sundial_").contains("shown only now");

      Run start = cli(s, created, "workflow", "start", "--type", "T", "--task-queue", "q",
          "--workflow-id", "by-ci");
      assertThat(start.code()).as(start.err()).isZero();
      Run denied = cli(s, created, "operator", "api-key", "list");
      assertThat(denied.code()).isEqualTo(1);
      assertThat(denied.err()).contains("PERMISSION_DENIED").contains("system admin role");

      Run list = cli(s, admin, "operator", "api-key", "list");
      assertThat(list.code()).as(list.err()).isZero();
      assertThat(list.out()).contains("bootstrap-admin").contains("ci").contains("build@example.com")
          .contains("active").doesNotContain(created);

      // UI users: created with a password from a file, listed without it, deleted.
      Path password = Files.writeString(dir.resolve("pw"), "a long enough password\n");
      Run user = cli(s, admin, "operator", "user", "create", "--name", "viewer",
          "--role", "default:read", "--password-file", password.toString());
      assertThat(user.code()).as(user.err()).isZero();
      assertThat(user.out()).contains("Created user viewer (default:read)");
      Run shortPassword = cli(s, admin, "operator", "user", "create", "--name", "weak",
          "--role", "default:read", "--password-file",
          Files.writeString(dir.resolve("short"), "short").toString());
      assertThat(shortPassword.code()).isEqualTo(1);
      assertThat(shortPassword.err()).contains("INVALID_ARGUMENT").contains("at least 8 characters");
      Run users = cli(s, admin, "operator", "user", "list");
      assertThat(users.out()).contains("viewer").contains("default:read")
          .doesNotContain("long enough").doesNotContain("$2");
      assertThat(cli(s, admin, "operator", "user", "delete", "viewer").code()).isZero();
      assertThat(cli(s, admin, "operator", "user", "list").out()).doesNotContain("viewer");
      Run missing = cli(s, admin, "operator", "user", "delete", "viewer");
      assertThat(missing.err()).contains("NOT_FOUND");

      Run revoke = cli(s, admin, "operator", "api-key", "revoke", "ci");
      assertThat(revoke.code()).as(revoke.err()).isZero();
      Run afterRevoke = cli(s, created, "workflow", "describe", "--workflow-id", "by-ci");
      assertThat(afterRevoke.code()).isEqualTo(1);
      assertThat(afterRevoke.err()).contains("UNAUTHENTICATED").contains("'ci' was revoked");
      assertThat(Files.readAllBytes(db).length).isPositive();
    }
    // A restart with the same file keeps the same admin key; the revocation is durable.
    try (Sundial s = start(db, adminFile)) {
      String admin = Files.readString(adminFile).strip();
      Run list = cli(s, admin, "operator", "api-key", "list", "-o", "json");
      assertThat(list.code()).as(list.err()).isZero();
      var keys = JsonParser.parseString(list.out()).getAsJsonArray();
      assertThat(keys).hasSize(3);
      assertThat(cli(s, created, "workflow", "describe", "--workflow-id", "by-ci").code()).isEqualTo(1);
    }
  }
}
