package dev.sundial.cli;

import dev.sundial.cli.common.Commands;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a setting of the {@code sundial} command comes from. Precedence: a command-line flag, then
 * an environment variable (only the few settings that have one), then the {@code --config}
 * properties file, then the built-in default. Every value remembers its origin so that an error
 * can name the flag, variable or file key the user has to fix.
 */
final class SettingSources {

  /**
   * Every setting that may appear in a config file, named like its long option without the
   * leading dashes. Shared by {@code server start} and {@code db migrate} so that one file serves
   * both.
   */
  static final List<String> KEYS =
      List.of(
          "ip",
          "port",
          "ui-port",
          "http-port",
          "metrics-port",
          "metrics-label-limit",
          "headless",
          "http-allowed-hosts",
          "max-connections",
          "db",
          "db-filename",
          "db-password-file",
          "db-pool-size",
          "db-schema",
          "no-migrate",
          "namespace",
          "log-level",
          "node-id",
          "advertise-address",
          "tls-cert",
          "tls-key",
          "tls-client-ca",
          "tls-require-client-cert",
          "internode-tls-ca",
          "internode-tls-server-name",
          "auth",
          "jwt-jwks-file",
          "jwt-jwks-url",
          "jwt-hs256-secret-file",
          "jwt-audience",
          "jwt-permissions-claim",
          "mtls-role",
          "bootstrap-admin-key-file",
          "audit-worker-calls",
          "audit-retention",
          "allow-insecure");

  static final String ENV_DB = "SUNDIAL_DB";
  static final String ENV_DB_PASSWORD = "SUNDIAL_DB_PASSWORD";
  static final String ENV_DB_PASSWORD_FILE = "SUNDIAL_DB_PASSWORD_FILE";

  /** Settings that an environment variable may supply (the password has its own rule). */
  private static final Map<String, String> ENV_VARS =
      Map.of("db", ENV_DB, "db-password-file", ENV_DB_PASSWORD_FILE,
          "tls-cert", "SUNDIAL_TLS_CERT", "tls-key", "SUNDIAL_TLS_KEY",
          "tls-client-ca", "SUNDIAL_TLS_CLIENT_CA", "auth", "SUNDIAL_AUTH",
          "jwt-hs256-secret-file", "SUNDIAL_JWT_HS256_SECRET_FILE",
          "bootstrap-admin-key-file",
          "audit-worker-calls",
          "audit-retention", "SUNDIAL_BOOTSTRAP_ADMIN_KEY_FILE");

  /** A setting's text and where it came from, e.g. {@code --port} or {@code SUNDIAL_DB}. */
  record Setting(String key, String value, String origin) {}

  /** The three places a setting can come from, strongest first. */
  enum Level {
    FLAG,
    ENV,
    CONFIG
  }

  private final Map<String, String> flags;
  private final Map<String, String> env;
  private final Map<String, String> config;
  private final Path configFile;

  /**
   * @param flags the flags given on the command line, by key (absent when not given)
   * @param env the process environment
   * @param configFile the {@code --config} file, or null
   * @throws IllegalArgumentException when the config file cannot be read or has an unknown key
   */
  SettingSources(Map<String, String> flags, Map<String, String> env, Path configFile) {
    this.flags = Map.copyOf(flags);
    this.env = env;
    this.configFile = configFile;
    this.config = configFile == null ? Map.of() : load(configFile);
  }

  /** The setting from the strongest place that has it, or null. */
  Setting get(String key) {
    for (Level level : Level.values()) {
      Setting s = at(level, key);
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  /** The setting as given at one level only, or null. */
  Setting at(Level level, String key) {
    if (!KEYS.contains(key)) {
      throw new IllegalStateException("unknown setting " + key);
    }
    switch (level) {
      case FLAG -> {
        String v = flags.get(key);
        return v == null ? null : new Setting(key, v, "--" + key);
      }
      case ENV -> {
        String var = ENV_VARS.get(key);
        return var == null ? null : fromEnv(key, var);
      }
      default -> {
        String v = config.get(key);
        return v == null ? null : new Setting(key, v, configOrigin(key));
      }
    }
  }

  /** An environment variable, treating an empty one as unset (as shells usually do). */
  Setting fromEnv(String key, String variable) {
    String v = env.get(variable);
    return v == null || v.isEmpty() ? null : new Setting(key, v, "environment variable " + variable);
  }

  private String configOrigin(String key) {
    return "'" + key + "' in " + configFile;
  }

  /** Reads a properties file and maps its keys onto {@link #KEYS}. */
  static Map<String, String> load(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--config: file not found: " + file);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--config: cannot read " + file + ": " + Commands.describe(e));
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (String rawKey : props.stringPropertyNames()) {
      String key = canonicalKey(rawKey);
      if (key == null) {
        throw new IllegalArgumentException(
            "--config: unknown key '"
                + rawKey
                + "' in "
                + file
                + " (known keys: "
                + String.join(", ", KEYS)
                + ")");
      }
      if (result.containsKey(key)) {
        throw new IllegalArgumentException(
            "--config: the key '" + key + "' appears twice (in two spellings) in " + file);
      }
      String value = props.getProperty(rawKey).strip();
      if (value.isEmpty()) {
        throw new IllegalArgumentException(
            "--config: '" + rawKey + "' in " + file + " has an empty value");
      }
      result.put(key, value);
    }
    return result;
  }

  /**
   * The setting a config-file key names. Accepts the long option name with or without its dashes,
   * in any case, with '_' or '.' for '-': {@code db-pool-size}, {@code dbpoolsize}, {@code
   * db_pool_size}, {@code --db-pool-size}.
   */
  static String canonicalKey(String rawKey) {
    String wanted = squash(rawKey);
    for (String key : KEYS) {
      if (squash(key).equals(wanted)) {
        return key;
      }
    }
    return null;
  }

  private static String squash(String key) {
    return key.strip().toLowerCase(Locale.ROOT).replaceAll("[-_.]", "");
  }
}
