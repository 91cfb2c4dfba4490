package dev.sundial.cli;

import dev.sundial.cli.SettingSources.Level;
import dev.sundial.cli.SettingSources.Setting;
import dev.sundial.cli.common.Commands;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.server.StoreOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The database flags shared by {@code server start} and {@code db migrate}, and the rules that
 * turn them (with the environment and the config file) into a {@link StoreOptions}.
 *
 * <p>All options are kept as text and converted here, so that a bad value gets the same clear
 * error whether it came from a flag, an environment variable or the config file.
 */
final class DatabaseOptions {

  static final String DEFAULT_DB_FILE = "./sundial-data/sundial.db";
  private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  static final int MAX_POOL_SIZE = 1000;

  @Option(
      names = "--db",
      paramLabel = "<url>",
      description = {
        "Database: postgres://user@host:port/db (also postgresql://, jdbc:postgresql://),"
            + " sqlite:<path> or a SQLite file path. Env: SUNDIAL_DB.",
        "Default: the SQLite file " + DEFAULT_DB_FILE + "."
      })
  String db;

  @Option(
      names = {"-f", "--db-filename"},
      paramLabel = "<file>",
      description =
          "SQLite database file, created with its directory when missing (same as --db"
              + " sqlite:<file>). Default: " + DEFAULT_DB_FILE + ".")
  String dbFilename;

  @Option(
      names = "--db-password-file",
      paramLabel = "<file>",
      description =
          "File holding the PostgreSQL password (one line). Env: SUNDIAL_DB_PASSWORD_FILE, or the"
              + " password itself in SUNDIAL_DB_PASSWORD.")
  String dbPasswordFile;

  @Option(
      names = "--db-pool-size",
      paramLabel = "<n>",
      description = "PostgreSQL connection pool size. Default: the pool= URL parameter, else 10.")
  String dbPoolSize;

  @Option(
      names = "--db-schema",
      paramLabel = "<name>",
      description = "PostgreSQL schema for Sundial's tables. Default: the schema= URL parameter.")
  String dbSchema;

  @Option(
      names = "--config",
      paramLabel = "<file>",
      description =
          "Java properties file with defaults for these options, keyed by long option name"
              + " (db=..., port=7233). Flags and environment variables override it.")
  Path config;

  /** The database flags that were given, by setting key. */
  Map<String, String> flags() {
    Map<String, String> m = new LinkedHashMap<>();
    putIfGiven(m, "db", db);
    putIfGiven(m, "db-filename", dbFilename);
    putIfGiven(m, "db-password-file", dbPasswordFile);
    putIfGiven(m, "db-pool-size", dbPoolSize);
    putIfGiven(m, "db-schema", dbSchema);
    return m;
  }

  static void putIfGiven(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /**
   * The database the settings select. {@code --db} and {@code --db-filename} are two spellings of
   * one setting: the strongest level that has either wins, and giving both at one level is an
   * error.
   *
   * @throws IllegalArgumentException naming the flag, variable or key at fault (never the
   *     password)
   */
  static StoreOptions resolve(SettingSources sources, Map<String, String> env) {
    StoreOptions store = null;
    String origin = null;
    for (Level level : Level.values()) {
      Setting url = sources.at(level, "db");
      Setting file = sources.at(level, "db-filename");
      if (url != null && file != null) {
        throw new IllegalArgumentException(
            url.origin() + " and " + file.origin() + " both choose the database; give only one");
      }
      if (file != null) {
        if (file.value().isBlank()) {
          throw new IllegalArgumentException(file.origin() + " must not be empty");
        }
        store = StoreOptions.sqlite(Path.of(file.value().strip()));
        origin = file.origin();
        break;
      }
      if (url != null) {
        try {
          store = StoreOptions.parse(url.value());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(url.origin() + ": " + e.getMessage());
        }
        origin = url.origin();
        break;
      }
    }
    if (store == null) {
      store = StoreOptions.sqlite(Path.of(DEFAULT_DB_FILE));
      origin = "the default database";
    }
    if (store.kind() == StoreOptions.Kind.SQLITE_FILE && Files.isDirectory(store.file())) {
      throw new IllegalArgumentException(
          origin + " must name a file, but " + store.file() + " is a directory");
    }
    return store.kind() == StoreOptions.Kind.POSTGRES
        ? withPostgresSettings(store, sources, env)
        : refusePostgresOnlySettings(store, sources);
  }

  private static StoreOptions withPostgresSettings(
      StoreOptions store, SettingSources sources, Map<String, String> env) {
    PostgresConfig cfg = store.postgresConfig();
    String schema = cfg.schema();
    Setting schemaSetting = sources.get("db-schema");
    if (schemaSetting != null) {
      schema = schemaSetting.value().strip();
      if (!SCHEMA.matcher(schema).matches()) {
        throw new IllegalArgumentException(
            schemaSetting.origin()
                + " must be a plain SQL identifier (letters, digits, '_'; not starting with a"
                + " digit; at most 63 characters) but was '"
                + schemaSetting.value()
                + "'");
      }
    }
    int pool = cfg.poolSize();
    Setting poolSetting = sources.get("db-pool-size");
    if (poolSetting != null) {
      pool = parseInt(poolSetting, 1, MAX_POOL_SIZE);
    }
    String password = password(sources, env);
    cfg = new PostgresConfig(cfg.jdbcUrl(), cfg.user(), cfg.password(), schema, pool);
    if (password != null) {
      cfg = cfg.withPassword(password);
    }
    return store.withPostgresConfig(cfg);
  }

  /**
   * The password from, strongest first: --db-password-file, SUNDIAL_DB_PASSWORD or
   * SUNDIAL_DB_PASSWORD_FILE (not both), the config file's db-password-file. Null: keep the one in
   * the URL, if any. There is deliberately no flag taking the password itself (it would show in
   * the process list).
   */
  static String password(SettingSources sources, Map<String, String> env) {
    Setting flag = sources.at(Level.FLAG, "db-password-file");
    if (flag != null) {
      return readPasswordFile(flag);
    }
    Setting direct = sources.fromEnv("db-password", SettingSources.ENV_DB_PASSWORD);
    Setting file = sources.at(Level.ENV, "db-password-file");
    if (direct != null && file != null) {
      throw new IllegalArgumentException(
          "both "
              + SettingSources.ENV_DB_PASSWORD
              + " and "
              + SettingSources.ENV_DB_PASSWORD_FILE
              + " are set; set only one");
    }
    if (direct != null) {
      return direct.value();
    }
    if (file != null) {
      return readPasswordFile(file);
    }
    Setting config = sources.at(Level.CONFIG, "db-password-file");
    return config == null ? null : readPasswordFile(config);
  }

  /** The first line of the file, without its line break; the file must not be empty. */
  static String readPasswordFile(Setting setting) {
    Path file = Path.of(setting.value().strip());
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(setting.origin() + ": file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          setting.origin() + ": cannot read " + file + ": " + Commands.describe(e));
    }
    int eol = text.indexOf('\n');
    String line = eol < 0 ? text : text.substring(0, eol);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      throw new IllegalArgumentException(
          setting.origin() + ": the password file " + file + " is empty");
    }
    return line;
  }

  /** PostgreSQL-only settings given for SQLite are a mistake worth reporting. */
  private static StoreOptions refusePostgresOnlySettings(
      StoreOptions store, SettingSources sources) {
    for (String key : new String[] {"db-password-file", "db-pool-size", "db-schema"}) {
      // Environment variables are not checked: one left over in a shell should not stop SQLite.
      for (Level level : new Level[] {Level.FLAG, Level.CONFIG}) {
        Setting s = sources.at(level, key);
        if (s != null) {
          throw new IllegalArgumentException(
              s.origin()
                  + " applies only to PostgreSQL, but the database is the SQLite file "
                  + store.location());
        }
      }
    }
    return store;
  }

  static int parseInt(Setting s, int min, int max) {
    int value;
    try {
      value = Integer.parseInt(s.value().strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          s.origin() + " must be a whole number but was '" + s.value() + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          s.origin() + " must be between " + min + " and " + max + " but was " + value);
    }
    return value;
  }
}
