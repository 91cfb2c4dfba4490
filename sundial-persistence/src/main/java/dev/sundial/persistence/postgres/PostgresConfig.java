package dev.sundial.persistence.postgres;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL store lives: the JDBC URL (without credentials), the login, the schema its
 * tables go in, and the connection pool size (reads; the writer has its own connection). The
 * password is never printed.
 */
public record PostgresConfig(
    String jdbcUrl, String user, String password, String schema, int poolSize) {

  public static final String DEFAULT_SCHEMA = "public";
  public static final int DEFAULT_POOL_SIZE = 10;
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern URL =
      Pattern.compile("(?:jdbc:)?postgres(?:ql)?://(?:([^@/?#]*)@)?([^/?#]*)(?:/([^?#]*))?(?:\\?([^#]*))?");

  public PostgresConfig {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException(
          "PostgreSQL jdbcUrl must start with jdbc:postgresql://, got " + jdbcUrl);
    }
    if (schema == null || !IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException("PostgreSQL schema must be a plain identifier"
          + " (letters, digits, underscore, not starting with a digit), got " + schema);
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("PostgreSQL pool size must be 1..1000, got " + poolSize);
    }
  }

  /**
   * Parses {@code postgres://user:pass@host:port/db?schema=s&pool=n} (also {@code postgresql://})
   * or {@code jdbc:postgresql://host:port/db?user=..&password=..&schema=..&pool=..}. Other query
   * parameters (e.g. sslmode) are passed to the driver. Schema defaults to "public", pool to 10.
   */
  public static PostgresConfig parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("PostgreSQL URL is empty");
    }
    Matcher m = URL.matcher(url.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("PostgreSQL URL must look like"
          + " postgres://user:password@host:5432/database or jdbc:postgresql://host:5432/database"
          + "?user=..&password=..: " + redact(url));
    }
    String host = m.group(2);
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("PostgreSQL URL has no host: " + redact(url));
    }
    String database = m.group(3) == null ? "" : decode(m.group(3), "database");
    if (database.isEmpty()) {
      throw new IllegalArgumentException("PostgreSQL URL has no database name: " + redact(url));
    }
    String user = null;
    String password = null;
    if (m.group(1) != null) {
      String info = m.group(1);
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon), "user");
      password = colon < 0 ? null : decode(info.substring(colon + 1), "password");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (m.group(4) != null && !m.group(4).isEmpty()) {
      for (String pair : m.group(4).split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String key = decode(eq < 0 ? pair : pair.substring(0, eq), "parameter name");
        params.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1), key));
      }
    }
    if (params.containsKey("user")) user = params.remove("user");
    if (params.containsKey("password")) password = params.remove("password");
    String schema = params.containsKey("schema") ? params.remove("schema") : DEFAULT_SCHEMA;
    int pool = DEFAULT_POOL_SIZE;
    if (params.containsKey("pool")) {
      String p = params.remove("pool");
      try {
        pool = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("PostgreSQL URL parameter pool must be a number, got "
            + p);
      }
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(host).append('/')
        .append(m.group(3));
    String sep = "?";
    for (var e : params.entrySet()) {
      jdbc.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = "&";
    }
    return new PostgresConfig(jdbc.toString(), user, password, schema, pool);
  }

  public PostgresConfig withPassword(String newPassword) {
    return new PostgresConfig(jdbcUrl, user, newPassword, schema, poolSize);
  }

  public PostgresConfig withSchema(String newSchema) {
    return new PostgresConfig(jdbcUrl, user, password, newSchema, poolSize);
  }

  public PostgresConfig withPoolSize(int newPoolSize) {
    return new PostgresConfig(jdbcUrl, user, password, schema, newPoolSize);
  }

  @Override
  public String toString() {
    return "PostgresConfig[jdbcUrl=" + jdbcUrl + ", user=" + user
        + ", password=" + (password == null ? "none" : "***") + ", schema=" + schema
        + ", poolSize=" + poolSize + "]";
  }

  private static String decode(String s, String field) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PostgreSQL URL " + field + " has a bad %-escape");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The URL with any password replaced, for error messages. */
  private static String redact(String url) {
    return url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@")
        .replaceAll("([?&]password=)[^&]*", "$1***");
  }
}
