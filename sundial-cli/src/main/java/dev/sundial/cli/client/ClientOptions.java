package dev.sundial.cli.client;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a client command reaches a Temporal server, with the names, environment variables and
 * defaults of the {@code temporal} CLI. A flag wins over its environment variable, which wins over
 * the default.
 */
public final class ClientOptions {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  @Option(names = "--address", paramLabel = "<host:port>",
      description = "Server address. Env: TEMPORAL_ADDRESS. Default: " + DEFAULT_ADDRESS + ".")
  String address;

  @Option(names = {"-n", "--namespace"}, paramLabel = "<namespace>",
      description = "Namespace. Env: TEMPORAL_NAMESPACE. Default: default.")
  String namespace;

  /** The --namespace flag as given, or null (no default applied). */
  public String explicitNamespace() {
    return namespace;
  }

  @Option(names = "--api-key", paramLabel = "<key>",
      description = "API key, sent as 'authorization: Bearer <key>'. Env: TEMPORAL_API_KEY.")
  String apiKey;

  @Option(names = "--grpc-meta", paramLabel = "<key=value>",
      description = "gRPC metadata sent with every call; repeatable.")
  List<String> grpcMeta = new ArrayList<>();

  @Option(names = "--tls", arity = "0..1", paramLabel = "<true|false>",
      description = "Connect with TLS (on by default with an API key or any TLS setting; --tls=false"
          + " turns it off). Env: TEMPORAL_TLS.")
  Boolean tls;

  @Option(names = "--tls-cert-path", paramLabel = "<file>",
      description = "Client certificate (PEM) for mTLS. Env: TEMPORAL_TLS_CLIENT_CERT_PATH.")
  String tlsCertPath;

  @Option(names = "--tls-key-path", paramLabel = "<file>",
      description = "Client private key (PEM) for mTLS. Env: TEMPORAL_TLS_CLIENT_KEY_PATH.")
  String tlsKeyPath;

  @Option(names = "--tls-ca-path", paramLabel = "<file>",
      description = "CA certificates (PEM) to trust for the server. Env: TEMPORAL_TLS_SERVER_CA_CERT_PATH.")
  String tlsCaPath;

  @Option(names = "--tls-cert-data", paramLabel = "<pem>",
      description = "Client certificate (PEM text) for mTLS. Env: TEMPORAL_TLS_CLIENT_CERT_DATA.")
  String tlsCertData;

  @Option(names = "--tls-key-data", paramLabel = "<pem>",
      description = "Client private key (PEM text) for mTLS. Env: TEMPORAL_TLS_CLIENT_KEY_DATA.")
  String tlsKeyData;

  @Option(names = "--tls-ca-data", paramLabel = "<pem>",
      description = "CA certificates (PEM text) to trust for the server. Env: TEMPORAL_TLS_SERVER_CA_CERT_DATA.")
  String tlsCaData;

  @Option(names = "--tls-server-name", paramLabel = "<name>",
      description = "Server name to verify the certificate against. Env: TEMPORAL_TLS_SERVER_NAME.")
  String tlsServerName;

  @Option(names = "--tls-disable-host-verification",
      description = "Do not verify the server's host name. Env: TEMPORAL_TLS_DISABLE_HOST_VERIFICATION.")
  Boolean tlsDisableHostVerification;

  @Option(names = "--command-timeout", paramLabel = "<duration>",
      description = "Give up on the command after this long (e.g. 30s, 5m). Default: no limit.")
  String commandTimeout;

  @Option(names = "--profile", paramLabel = "<name>",
      description = "Profile of the config file to use. Env: TEMPORAL_PROFILE. Default: default.")
  String profile;

  @Option(names = "--config-file", paramLabel = "<file>",
      description = "The TOML config file (temporal.toml). Env: TEMPORAL_CONFIG_FILE."
          + " Default: temporalio/temporal.toml in the user's config directory.")
  String configFile;

  @Option(names = "--identity", paramLabel = "<identity>",
      description = "Identity recorded with the changes this command makes. Default: sundial-cli@<host>.")
  String identity;

  /** The settings after flags, environment, the config file's profile and defaults; a bad value names its flag. */
  public ClientSettings resolve(Map<String, String> env) {
    ConfigProfile p = ConfigProfile.load(configFile, profile, env);
    String addr = first(address, env.get("TEMPORAL_ADDRESS"), or(p.address(), DEFAULT_ADDRESS)).strip();
    if (addr.isEmpty() || addr.contains("/") || addr.contains(" ")) {
      throw new IllegalArgumentException("--address must be host:port but was '" + addr + "'");
    }
    if (!addr.contains(":")) {
      addr = addr + ":7233";
    }
    String ns = first(namespace, env.get("TEMPORAL_NAMESPACE"), or(p.namespace(), "default")).strip();
    if (ns.isEmpty()) {
      throw new IllegalArgumentException("--namespace must not be empty");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    p.grpcMeta().forEach((k, v) -> meta.put(k.toLowerCase(Locale.ROOT), v));
    for (String kv : grpcMeta) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--grpc-meta must be key=value but was '" + kv + "'");
      }
      meta.put(kv.substring(0, eq).strip().toLowerCase(Locale.ROOT), kv.substring(eq + 1));
    }
    Duration timeout = commandTimeout == null ? null
        : Durations.parse(commandTimeout, "--command-timeout");
    String certPath = first(tlsCertPath, env.get("TEMPORAL_TLS_CLIENT_CERT_PATH"), p.tlsCertPath());
    String keyPath = first(tlsKeyPath, env.get("TEMPORAL_TLS_CLIENT_KEY_PATH"), p.tlsKeyPath());
    String certData = first(tlsCertData, env.get("TEMPORAL_TLS_CLIENT_CERT_DATA"), p.tlsCertData());
    String keyData = first(tlsKeyData, env.get("TEMPORAL_TLS_CLIENT_KEY_DATA"), p.tlsKeyData());
    if (certPath != null && certData != null || keyPath != null && keyData != null) {
      throw new IllegalArgumentException("give a client certificate and key as a path or as data, not both");
    }
    if ((certPath == null && certData == null) != (keyPath == null && keyData == null)) {
      throw new IllegalArgumentException("a client certificate (--tls-cert-path/--tls-cert-data) and its key"
          + " (--tls-key-path/--tls-key-data) go together");
    }
    String caPath = first(tlsCaPath, env.get("TEMPORAL_TLS_SERVER_CA_CERT_PATH"), p.tlsCaPath());
    String caData = first(tlsCaData, env.get("TEMPORAL_TLS_SERVER_CA_CERT_DATA"), p.tlsCaData());
    if (caPath != null && caData != null) {
      throw new IllegalArgumentException("give the server CA as --tls-ca-path or --tls-ca-data, not both");
    }
    String serverName = first(tlsServerName, env.get("TEMPORAL_TLS_SERVER_NAME"), p.tlsServerName());
    Boolean noHostCheckSet = flag(tlsDisableHostVerification,
        env.get("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"), "--tls-disable-host-verification");
    boolean noHostCheck = noHostCheckSet != null ? noHostCheckSet
        : Boolean.TRUE.equals(p.tlsDisableHostVerification());
    String key = first(apiKey, env.get("TEMPORAL_API_KEY"), p.apiKey());
    // As temporal: TLS when asked for; otherwise implied by an API key or any TLS setting.
    Boolean tlsSet = flag(tls, env.get("TEMPORAL_TLS"), "--tls");
    if (tlsSet == null) tlsSet = p.tls();
    boolean useTls = tlsSet != null ? tlsSet
        : key != null || certPath != null || certData != null || caPath != null || caData != null
            || serverName != null || noHostCheck;
    String who = identity != null ? identity : "sundial-cli@" + hostName();
    return new ClientSettings(addr, ns, key, meta, useTls, certPath, keyPath, caPath, certData,
        keyData, caData, serverName, noHostCheck, timeout, who);
  }

  private static String first(String flag, String envValue, String fallback) {
    if (flag != null) return flag;
    if (envValue != null && !envValue.isBlank()) return envValue;
    return fallback;
  }

  private static String or(String value, String fallback) {
    return value != null ? value : fallback;
  }

  /** The flag, else the environment variable's true/false; null when neither says. */
  private static Boolean flag(Boolean flag, String envValue, String name) {
    if (flag != null) return flag;
    if (envValue == null || envValue.isBlank()) return null;
    return switch (envValue.strip().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException(
          "the environment variable for " + name + " must be true or false but was '" + envValue + "'");
    };
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
