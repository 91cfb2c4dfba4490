package dev.sundial.cli;

import dev.sundial.cli.SettingSources.Setting;
import dev.sundial.server.Sundial;
import dev.sundial.server.security.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * TLS and exposure flags of {@code server start}. The certificate, key and CA are files (never
 * inline secrets), from flags, environment variables or the config file like other settings.
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

  @Option(names = "--auth", paramLabel = "<mode>",
      description = "How callers authenticate: none (the only mode so far). Default: none.")
  String auth;

  @Option(names = "--allow-insecure",
      description = "Listen beyond loopback without TLS and authentication (refused otherwise).")
  boolean allowInsecure;

  /** The security part of the settings, checked. */
  record Resolved(TlsConfig tls, boolean allowInsecure) {
    void applyTo(Sundial.Builder b) {
      if (tls != null) {
        b.tls(tls);
      }
      b.allowInsecure(allowInsecure);
    }
  }

  Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    DatabaseOptions.putIfGiven(f, "tls-cert", tlsCert);
    DatabaseOptions.putIfGiven(f, "tls-key", tlsKey);
    DatabaseOptions.putIfGiven(f, "tls-client-ca", tlsClientCa);
    DatabaseOptions.putIfGiven(f, "auth", auth);
    if (tlsRequireClientCert) f.put("tls-require-client-cert", "true");
    if (allowInsecure) f.put("allow-insecure", "true");
    return f;
  }

  static Resolved resolve(SettingSources sources) {
    Setting auth = sources.get("auth");
    if (auth != null && !auth.value().strip().equals("none")) {
      throw new IllegalArgumentException(auth.origin() + " must be none (the only mode so far)"
          + " but was '" + auth.value() + "'");
    }
    Setting cert = sources.get("tls-cert");
    Setting key = sources.get("tls-key");
    Setting ca = sources.get("tls-client-ca");
    boolean require = ServerStartCommand.parseBoolean(sources.get("tls-require-client-cert"));
    boolean insecure = ServerStartCommand.parseBoolean(sources.get("allow-insecure"));
    if (cert == null && key == null) {
      if (ca != null || require) {
        throw new IllegalArgumentException(
            (ca != null ? ca.origin() : "--tls-require-client-cert")
                + " needs TLS: give --tls-cert and --tls-key too");
      }
      return new Resolved(null, insecure);
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
    return new Resolved(
        new TlsConfig(file(cert), file(key), ca == null ? null : file(ca), require), insecure);
  }

  private static Path file(Setting s) {
    Path p = Path.of(s.value().strip());
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(s.origin() + ": cannot read the file " + p);
    }
    return p;
  }
}
