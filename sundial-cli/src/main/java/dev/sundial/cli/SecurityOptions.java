package dev.sundial.cli;

import dev.sundial.cli.SettingSources.Setting;
import dev.sundial.server.Sundial;
import dev.sundial.server.security.AuthConfig;
import dev.sundial.server.security.CertificateRoles;
import dev.sundial.server.security.InternodeTls;
import dev.sundial.server.security.JwtAuthenticator;
import dev.sundial.server.security.TlsConfig;
import dev.sundial.cli.client.Durations;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * TLS, authentication and exposure flags of {@code server start}. Certificates, keys and secrets
 * are files (never inline secrets), from flags, environment variables or the config file like
 * other settings.
 */
final class SecurityOptions {
  @Option(names = "--tls-cert", paramLabel = "<file>",
      description = "PEM certificate chain served on the gRPC, HTTP API and UI ports (TLS 1.2+);"
          + " read again when it changes. Env: SUNDIAL_TLS_CERT.")
  String tlsCert;

  @Option(names = "--tls-key", paramLabel = "<file>",
      description = "PEM private key of --tls-cert. Env: SUNDIAL_TLS_KEY.")
  String tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "<file>",
      description = "PEM CA certificates that sign client certificates (mTLS). Env:"
          + " SUNDIAL_TLS_CLIENT_CA.")
  String tlsClientCa;

  @Option(names = "--tls-require-client-cert",
      description = "Refuse clients without a certificate signed by --tls-client-ca.")
  boolean tlsRequireClientCert;

  @Option(names = "--internode-tls-ca", paramLabel = "<file>",
      description = "Cluster nodes with TLS: PEM CA certificates of the other nodes' --tls-cert,"
          + " trusted on node-to-node calls (each node presents its own --tls-cert).")
  String internodeTlsCa;

  @Option(names = "--internode-tls-server-name", paramLabel = "<name>",
      description = "The name node certificates are checked for, instead of the host of each"
          + " node's advertised address.")
  String internodeTlsServerName;

  @Option(names = "--auth", paramLabel = "<methods>",
      description = "How callers authenticate: none, or a comma list of api-key, jwt, mtls."
          + " Default: none (allowed only on loopback). Env: SUNDIAL_AUTH.")
  String auth;

  @Option(names = "--jwt-jwks-file", paramLabel = "<file>",
      description = "JWKS file with the public keys (RS256, ES256) that sign JWTs.")
  String jwtJwksFile;

  @Option(names = "--jwt-jwks-url", paramLabel = "<url>",
      description = "JWKS URL (https) of the identity provider; fetched and cached.")
  String jwtJwksUrl;

  @Option(names = "--jwt-hs256-secret-file", paramLabel = "<file>",
      description = "File holding the HS256 secret (at least 32 bytes). Env:"
          + " SUNDIAL_JWT_HS256_SECRET_FILE.")
  String jwtHs256SecretFile;

  @Option(names = "--jwt-audience", paramLabel = "<aud>",
      description = "The aud a JWT must name (unchecked when not given).")
  String jwtAudience;

  @Option(names = "--jwt-permissions-claim", paramLabel = "<claim>",
      description = "The JWT claim holding \"<namespace>:<role>\" permissions. Default: permissions.")
  String jwtPermissionsClaim;

  @Option(names = "--mtls-role", paramLabel = "<pattern>=<namespace>:<role>",
      description = "With --auth mtls: grant a role to client certificates whose CN or DNS/URI/"
          + "e-mail SAN matches the pattern (* is a wildcard). Repeatable.")
  List<String> mtlsRoles = new ArrayList<>();

  @Option(names = "--bootstrap-admin-key-file", paramLabel = "<file>",
      description = "A system admin API key: read from the file, or created in it (mode 600)"
          + " when missing. Env: SUNDIAL_BOOTSTRAP_ADMIN_KEY_FILE.")
  String bootstrapAdminKeyFile;

  @Option(names = "--audit-worker-calls",
      description = "Record worker task traffic (polls, completions, heartbeats) in the audit log too.")
  boolean auditWorkerCalls;

  @Option(names = "--audit-retention", paramLabel = "<duration>",
      description = "How long audit records are kept, e.g. 30d; 0 keeps them forever."
          + " Default: 90d.")
  String auditRetention;

  @Option(names = "--allow-insecure",
      description = "Listen beyond loopback without TLS and authentication (refused otherwise).")
  boolean allowInsecure;

  /** The security part of the settings, checked. */
  record Resolved(TlsConfig tls, InternodeTls internode, AuthConfig auth, boolean allowInsecure,
      Audit audit) {
    void applyTo(Sundial.Builder b) {
      b.auditWorkerCalls(audit.workerCalls());
      b.auditRetention(audit.retention());
      if (tls != null) {
        b.tls(tls);
      }
      b.internodeTls(internode);
      b.auth(auth);
      b.allowInsecure(allowInsecure);
    }
  }

  /** The audit log settings: worker traffic recorded or not; retention (null: forever). */
  record Audit(boolean workerCalls, Duration retention) {}

  Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    if (auditWorkerCalls) f.put("audit-worker-calls", "true");
    DatabaseOptions.putIfGiven(f, "audit-retention", auditRetention);
    DatabaseOptions.putIfGiven(f, "tls-cert", tlsCert);
    DatabaseOptions.putIfGiven(f, "tls-key", tlsKey);
    DatabaseOptions.putIfGiven(f, "tls-client-ca", tlsClientCa);
    DatabaseOptions.putIfGiven(f, "internode-tls-ca", internodeTlsCa);
    DatabaseOptions.putIfGiven(f, "internode-tls-server-name", internodeTlsServerName);
    DatabaseOptions.putIfGiven(f, "auth", auth);
    DatabaseOptions.putIfGiven(f, "jwt-jwks-file", jwtJwksFile);
    DatabaseOptions.putIfGiven(f, "jwt-jwks-url", jwtJwksUrl);
    DatabaseOptions.putIfGiven(f, "jwt-hs256-secret-file", jwtHs256SecretFile);
    DatabaseOptions.putIfGiven(f, "jwt-audience", jwtAudience);
    DatabaseOptions.putIfGiven(f, "jwt-permissions-claim", jwtPermissionsClaim);
    if (!mtlsRoles.isEmpty()) f.put("mtls-role", String.join(",", mtlsRoles));
    DatabaseOptions.putIfGiven(f, "bootstrap-admin-key-file", bootstrapAdminKeyFile);
    if (tlsRequireClientCert) f.put("tls-require-client-cert", "true");
    if (allowInsecure) f.put("allow-insecure", "true");
    return f;
  }

  static Resolved resolve(SettingSources sources) {
    AuthConfig auth = auth(sources);
    Setting cert = sources.get("tls-cert");
    Setting key = sources.get("tls-key");
    Setting ca = sources.get("tls-client-ca");
    boolean require = ServerStartCommand.parseBoolean(sources.get("tls-require-client-cert"));
    boolean insecure = ServerStartCommand.parseBoolean(sources.get("allow-insecure"));
    if (cert == null && key == null) {
      Setting nodeCa = sources.get("internode-tls-ca");
      if (ca != null || require || nodeCa != null) {
        throw new IllegalArgumentException(
            (ca != null ? ca.origin() : nodeCa != null ? nodeCa.origin() : "--tls-require-client-cert")
                + " needs TLS: give --tls-cert and --tls-key too");
      }
      return new Resolved(null, null, auth, insecure, audit(sources));
    }
    if (cert == null || key == null) {
      throw new IllegalArgumentException(
          "TLS needs both --tls-cert and --tls-key; only " + (cert != null ? cert : key).origin()
              + " was given");
    }
    if (require && ca == null) {
      throw new IllegalArgumentException(
          "--tls-require-client-cert needs --tls-client-ca (the CA that signs client certificates)");
    }
    Setting nodeCa = sources.get("internode-tls-ca");
    InternodeTls internode = nodeCa == null ? null
        : new InternodeTls(file(nodeCa), value(sources.get("internode-tls-server-name")));
    return new Resolved(
        new TlsConfig(file(cert), file(key), ca == null ? null : file(ca), require), internode,
        auth, insecure, audit(sources));
  }

  private static Audit audit(SettingSources sources) {
    boolean workers = ServerStartCommand.parseBoolean(sources.get("audit-worker-calls"));
    Setting retention = sources.get("audit-retention");
    Duration keep = Duration.ofDays(90);
    if (retention != null) {
      String v = retention.value().strip();
      keep = v.equals("0") ? null : Durations.parse(v, retention.origin());
      if (keep != null && (keep.isNegative() || keep.isZero())) {
        throw new IllegalArgumentException(retention.origin() + " must be positive, or 0 (forever)");
      }
    }
    return new Audit(workers, keep);
  }

  /** The authentication settings, or null for --auth none; errors name the setting to fix. */
  private static AuthConfig auth(SettingSources sources) {
    Setting auth = sources.get("auth");
    String text = auth == null ? "none" : auth.value().strip();
    if (text.equals("none")) {
      for (String dependent : List.of("jwt-jwks-file", "jwt-jwks-url", "jwt-hs256-secret-file",
          "mtls-role", "bootstrap-admin-key-file")) {
        Setting s = sources.get(dependent);
        if (s != null) {
          throw new IllegalArgumentException(s.origin() + " needs --auth (e.g. --auth "
              + (dependent.startsWith("jwt") ? "jwt" : dependent.startsWith("mtls") ? "mtls" : "api-key")
              + ")");
        }
      }
      return null;
    }
    Set<AuthConfig.Method> methods = EnumSet.noneOf(AuthConfig.Method.class);
    try {
      for (String m : text.split(",")) {
        methods.add(AuthConfig.Method.parse(m));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(auth.origin() + ": " + e.getMessage());
    }
    JwtAuthenticator.Config jwt = null;
    Setting jwksFile = sources.get("jwt-jwks-file");
    Setting jwksUrl = sources.get("jwt-jwks-url");
    Setting secretFile = sources.get("jwt-hs256-secret-file");
    if (jwksFile != null || jwksUrl != null || secretFile != null) {
      try {
        jwt = new JwtAuthenticator.Config(
            jwksFile == null ? null : file(jwksFile),
            jwksUrl == null ? null : url(jwksUrl),
            secretFile == null ? null : Files.readString(file(secretFile)).strip()
                .getBytes(StandardCharsets.UTF_8),
            value(sources.get("jwt-audience")),
            value(sources.get("jwt-permissions-claim")));
      } catch (IOException e) {
        throw new IllegalArgumentException(secretFile.origin() + ": " + e.getMessage());
      }
    }
    Setting roles = sources.get("mtls-role");
    List<String> certificateRoles = roles == null ? List.of()
        : Arrays.stream(roles.value().split(",")).map(String::strip).filter(r -> !r.isEmpty()).toList();
    try {
      CertificateRoles.parse(certificateRoles);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(roles.origin() + ": " + e.getMessage());
    }
    Setting bootstrap = sources.get("bootstrap-admin-key-file");
    return new AuthConfig(methods, jwt, certificateRoles,
        bootstrap == null ? null : Path.of(bootstrap.value().strip()));
  }

  private static String value(Setting s) {
    return s == null || s.value().isBlank() ? null : s.value().strip();
  }

  private static URL url(Setting s) {
    try {
      URL u = URI.create(s.value().strip()).toURL();
      if (!u.getProtocol().equals("https") && !u.getProtocol().equals("http")) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return u;
    } catch (IllegalArgumentException | MalformedURLException e) {
      throw new IllegalArgumentException(s.origin() + ": not a JWKS URL: " + s.value());
    }
  }

  private static Path file(Setting s) {
    Path p = Path.of(s.value().strip());
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(s.origin() + ": cannot read the file " + p);
    }
    return p;
  }
}
