package dev.sundial.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One profile of {@code temporal.toml}, the client configuration file that Temporal's CLI and
 * SDKs read: {@code [profile.<name>]} with address, namespace, api_key, a {@code tls} table (or
 * boolean) and a {@code grpc_meta} table. By default the file is {@code temporalio/temporal.toml}
 * under the user's configuration directory and the profile is {@code default}; a missing default
 * file is no profile.
 */
public record ConfigProfile(
    String address,
    String namespace,
    String apiKey,
    Boolean tls,
    String tlsCertPath,
    String tlsKeyPath,
    String tlsCaPath,
    String tlsCertData,
    String tlsKeyData,
    String tlsCaData,
    String tlsServerName,
    Boolean tlsDisableHostVerification,
    Map<String, String> grpcMeta) {

  static final ConfigProfile NONE =
      new ConfigProfile(null, null, null, null, null, null, null, null, null, null, null, null, Map.of());

  /**
   * The profile named by --profile / TEMPORAL_PROFILE (default "default") in the file named by
   * --config-file / TEMPORAL_CONFIG_FILE (default: the user's). IllegalArgumentException names
   * the flag or file at fault.
   */
  static ConfigProfile load(String fileFlag, String profileFlag, Map<String, String> env) {
    String fileName = fileFlag != null ? fileFlag : blankToNull(env.get("TEMPORAL_CONFIG_FILE"));
    String profileName = profileFlag != null ? profileFlag : blankToNull(env.get("TEMPORAL_PROFILE"));
    Path file = fileName != null ? Path.of(fileName) : defaultFile(env);
    if (file == null || !Files.exists(file)) {
      if (fileName != null) {
        throw new IllegalArgumentException("--config-file: " + fileName + " does not exist");
      }
      if (profileName != null && !profileName.equals("default")) {
        throw new IllegalArgumentException("--profile " + profileName + ": there is no config file ("
            + (file == null ? "no user config directory" : file) + ")");
      }
      return NONE;
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    String name = profileName != null ? profileName : "default";
    JsonNode p = root.path("profile").path(name);
    if (p.isMissingNode()) {
      if (profileName != null && !profileName.equals("default")) {
        throw new IllegalArgumentException("--profile " + name + " is not in " + file);
      }
      return NONE;
    }
    Boolean tls = null;
    String cert = null;
    String key = null;
    String ca = null;
    String certData = null;
    String keyData = null;
    String caData = null;
    String serverName = null;
    Boolean noHostCheck = null;
    JsonNode t = p.path("tls");
    if (t.isBoolean()) {
      tls = t.asBoolean();
    } else if (t.isObject()) {
      tls = t.has("disabled") ? !t.get("disabled").asBoolean() : Boolean.TRUE;
      cert = text(t, "client_cert_path");
      key = text(t, "client_key_path");
      ca = text(t, "server_ca_cert_path");
      certData = text(t, "client_cert_data");
      keyData = text(t, "client_key_data");
      caData = text(t, "server_ca_cert_data");
      serverName = text(t, "server_name");
      noHostCheck = t.has("disable_host_verification") ? t.get("disable_host_verification").asBoolean() : null;
    }
    Map<String, String> meta = new LinkedHashMap<>();
    p.path("grpc_meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    return new ConfigProfile(text(p, "address"), text(p, "namespace"), text(p, "api_key"), tls, cert,
        key, ca, certData, keyData, caData, serverName, noHostCheck, meta);
  }

  /** {@code $XDG_CONFIG_HOME} or {@code ~/.config} (macOS: Application Support), as Go's UserConfigDir. */
  static Path defaultFile(Map<String, String> env) {
    String xdg = blankToNull(env.get("XDG_CONFIG_HOME"));
    String home = blankToNull(env.get("HOME"));
    Path dir;
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") && home != null) {
      dir = Path.of(home, "Library", "Application Support");
    } else if (xdg != null) {
      dir = Path.of(xdg);
    } else if (home != null) {
      dir = Path.of(home, ".config");
    } else {
      return null;
    }
    return dir.resolve("temporalio").resolve("temporal.toml");
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
