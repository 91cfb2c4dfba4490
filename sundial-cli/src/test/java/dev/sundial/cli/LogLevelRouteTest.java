package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.sundial.server.Sundial;
import dev.sundial.server.admin.AdminApi;
import dev.sundial.server.admin.proto.CreateApiKeyRequest;
import dev.sundial.server.admin.proto.ListAuditRecordsRequest;
import dev.sundial.server.security.AuthConfig;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Log levels changed at run time over HTTP ({@code /api/v1/sundial/log-level}): by an
 * administrator only, recorded in the audit log, refused with a clear error for a bad level, and
 * UNIMPLEMENTED where the embedding application manages logging.
 */
class LogLevelRouteTest {
  private static final String LOGGER = "dev.sundial.test.loglevel";

  private static HttpResponse<String> call(Sundial s, String method, String body, String key)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort()
            + "/api/v1/sundial/log-level" + (method.equals("GET") ? "?logger=" + LOGGER : "")))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Authorization", "Bearer " + key);
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String key(Sundial s, String role) {
    return ClientCalls.blockingUnaryCall(s.newInProcessChannel(), AdminApi.CREATE_API_KEY,
        CallOptions.DEFAULT, CreateApiKeyRequest.newBuilder().setName(role).addRoles(role).build())
        .getKey();
  }

  @Test
  void anAdministratorChangesALoggersLevelAndItIsAudited() throws Exception {
    // The parent at INFO whatever other tests did to the root: inheriting then means INFO.
    Logger parent = (Logger) LoggerFactory.getLogger("dev.sundial.test");
    Level before = parent.getLevel();
    parent.setLevel(Level.INFO);
    try (Sundial s = Sundial.builder().inMemory().httpApi("127.0.0.1", 0)
        .auth(new AuthConfig(Set.of(AuthConfig.Method.API_KEY), null, List.of(), null))
        .logLevels(LogbackLevels.ifLogback()).start()) {
      String admin = key(s, "system:admin");
      String reader = key(s, "system:read");
      String debug = "{\"logger\":\"" + LOGGER + "\",\"level\":\"DEBUG\"}";
      assertThat(LoggerFactory.getLogger(LOGGER).isDebugEnabled()).isFalse();

      assertThat(call(s, "PUT", debug, null).statusCode()).isEqualTo(401);
      assertThat(call(s, "PUT", debug, reader).statusCode()).isEqualTo(403);
      assertThat(LoggerFactory.getLogger(LOGGER).isDebugEnabled()).isFalse();

      HttpResponse<String> set = call(s, "PUT", debug, admin);
      assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
      assertThat(set.body()).contains("\"effectiveLevel\":\"DEBUG\"");
      assertThat(LoggerFactory.getLogger(LOGGER).isDebugEnabled()).isTrue();
      assertThat(call(s, "GET", null, admin).body()).contains("\"level\":\"DEBUG\"");

      HttpResponse<String> bad = call(s, "PUT", "{\"logger\":\"x\",\"level\":\"LOUD\"}", admin);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("level must be one of").contains("LOUD");

      HttpResponse<String> inherit = call(s, "PUT", "{\"logger\":\"" + LOGGER + "\"}", admin);
      assertThat(inherit.body()).contains("\"effectiveLevel\":\"INFO\"");
      assertThat(LoggerFactory.getLogger(LOGGER).isDebugEnabled()).isFalse();

      CliHarness.await("the changes in the audit log", () -> ClientCalls.blockingUnaryCall(
          s.newInProcessChannel(), AdminApi.LIST_AUDIT_RECORDS, CallOptions.DEFAULT,
          ListAuditRecordsRequest.newBuilder().setOperation("SetLogLevel").build())
          .getRecordsList().stream().filter(r -> r.getOutcome().equals("OK")).count() == 2);
    } finally {
      parent.setLevel(before);
    }
  }

  @Test
  void anEmbeddingApplicationManagesItsOwnLevels() throws Exception {
    try (Sundial s = Sundial.builder().inMemory().httpApi("127.0.0.1", 0).start()) {
      HttpResponse<String> r = call(s, "GET", null, null);
      assertThat(r.statusCode()).isEqualTo(501);
      assertThat(r.body()).contains("managed by the application");
    }
  }
}
