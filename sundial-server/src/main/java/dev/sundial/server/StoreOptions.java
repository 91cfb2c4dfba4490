package dev.sundial.server;

import dev.sundial.persistence.Store;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.persistence.postgres.PostgresStore;
import dev.sundial.persistence.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which database a Sundial uses: a SQLite file (the default), a private in-memory SQLite database,
 * or PostgreSQL. Opens the store and runs its migrations; {@link #location()} describes it for
 * logs and banners without the password.
 */
public final class StoreOptions {

  /** The kinds of database Sundial can run on. */
  public enum Kind {
    SQLITE_FILE,
    SQLITE_MEMORY,
    POSTGRES
  }

  private static final Pattern URL_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");
  // password=... in a query string and user:password@ in the authority part of a URL.
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)([?&;]password=)[^&;]*");
  private static final Pattern USERINFO_PASSWORD =
      Pattern.compile("^([A-Za-z][A-Za-z0-9+.:-]*://[^/@:]*):[^/@]*@");

  private final Kind kind;
  private final Path file;
  private final PostgresConfig postgres;

  private StoreOptions(Kind kind, Path file, PostgresConfig postgres) {
    this.kind = kind;
    this.file = file;
    this.postgres = postgres;
  }

  /** A SQLite file, created with its directory when missing. */
  public static StoreOptions sqlite(Path file) {
    Objects.requireNonNull(file, "file");
    return new StoreOptions(Kind.SQLITE_FILE, file, null);
  }

  /** A private in-memory SQLite database, gone when Sundial closes. For tests. */
  public static StoreOptions sqliteInMemory() {
    return new StoreOptions(Kind.SQLITE_MEMORY, null, null);
  }

  /** A PostgreSQL database (the cluster store). */
  public static StoreOptions postgres(PostgresConfig config) {
    Objects.requireNonNull(config, "config");
    return new StoreOptions(Kind.POSTGRES, null, config);
  }

  /** True for the URL forms that name a PostgreSQL database. */
  public static boolean isPostgresUrl(String db) {
    String lower = db.strip().toLowerCase(Locale.ROOT);
    return lower.startsWith("postgres://")
        || lower.startsWith("postgresql://")
        || lower.startsWith("jdbc:postgresql:");
  }

  /**
   * Parses a database location as given to {@code --db}: a {@code postgres://}, {@code
   * postgresql://} or {@code jdbc:postgresql://} URL, {@code sqlite:<path>}, {@code
   * jdbc:sqlite:<path>}, or a plain path to a SQLite file.
   *
   * @throws IllegalArgumentException naming the problem (the message never contains a password)
   */
  public static StoreOptions parse(String db) {
    if (db == null || db.isBlank()) {
      throw new IllegalArgumentException("the database location is empty");
    }
    String value = db.strip();
    if (isPostgresUrl(value)) {
      try {
        return postgres(PostgresConfig.parse(value));
      } catch (IllegalArgumentException e) {
        // The parser's message may quote the URL; never let a password through.
        throw new IllegalArgumentException(redact(String.valueOf(e.getMessage())), null);
      }
    }
    String lower = value.toLowerCase(Locale.ROOT);
    for (String prefix : new String[] {"jdbc:sqlite:", "sqlite:"}) {
      if (lower.startsWith(prefix)) {
        String path = value.substring(prefix.length());
        if (path.startsWith("//")) {
          path = path.substring(2); // sqlite://relative/or//absolute, as some tools write it
        }
        if (path.isBlank()) {
          throw new IllegalArgumentException("'" + value + "' names no SQLite file");
        }
        if (path.equals(":memory:")) {
          return sqliteInMemory();
        }
        return sqlite(Path.of(path));
      }
    }
    if (URL_SCHEME.matcher(value).matches()) {
      String scheme = value.substring(0, value.indexOf("://"));
      throw new IllegalArgumentException(
          "unsupported database URL scheme '"
              + scheme
              + "': expected postgres://, postgresql://, jdbc:postgresql://, sqlite:<path> or a"
              + " file path");
    }
    return sqlite(Path.of(value));
  }

  public Kind kind() {
    return kind;
  }

  /** The SQLite file, or null when this is not a SQLite file. */
  public Path file() {
    return file;
  }

  /** The PostgreSQL settings, or null when this is not PostgreSQL. */
  public PostgresConfig postgresConfig() {
    return postgres;
  }

  /** A copy with another PostgreSQL configuration (same kind required). */
  public StoreOptions withPostgresConfig(PostgresConfig config) {
    if (kind != Kind.POSTGRES) {
      throw new IllegalStateException("not a PostgreSQL store: " + location());
    }
    return postgres(config);
  }

  /**
   * Opens the store. With {@code migrate} false an unmigrated or outdated database is refused
   * (the store's error says to run {@code sundial db migrate}); an in-memory database is always
   * migrated since it starts empty.
   */
  public Store open(boolean migrate) {
    return switch (kind) {
      case SQLITE_MEMORY -> SqliteStore.openInMemory();
      case SQLITE_FILE -> SqliteStore.open(file, migrate);
      case POSTGRES -> PostgresStore.open(postgres, migrate);
    };
  }

  /** Applies the pending migrations and returns the schema version the database is now at. */
  public int migrate() {
    return switch (kind) {
      case SQLITE_MEMORY ->
          throw new IllegalStateException("an in-memory database cannot be migrated ahead of time");
      case SQLITE_FILE -> SqliteStore.migrate(file);
      case POSTGRES -> PostgresStore.migrate(postgres);
    };
  }

  /** Where the data lives, for logs and banners; never contains a password. */
  public String location() {
    return switch (kind) {
      case SQLITE_MEMORY -> ":memory:";
      case SQLITE_FILE -> file.toAbsolutePath().normalize().toString();
      case POSTGRES ->
          redact(postgres.jdbcUrl())
              + (postgres.schema() == null || postgres.schema().isBlank()
                  ? ""
                  : " (schema " + postgres.schema() + ")");
    };
  }

  /** The URL with any password (query parameter or user:password@) replaced by "***". */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String s = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
    return USERINFO_PASSWORD.matcher(s).replaceFirst("$1:***@");
  }

  @Override
  public String toString() {
    return kind + " " + location();
  }
}
