package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies versioned SQL migrations from {@code <dir>/V<n>__<name>.sql}, listed in order in
 * {@code <dir>/migrations.list} (class path resources cannot be listed portably). Each migration
 * runs in its own transaction and is recorded in {@code schema_version}. Statements are separated
 * by ';' at the end of a line; lines starting with '--' are comments.
 */
final class Migrations {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  private record Migration(int version, String name, String resource) {}

  private Migrations() {}

  /** Applies the missing migrations; returns the schema version (the latest this build knows). */
  static int apply(Conn c, Dialect dialect) throws SQLException {
    if (dialect.migrationLock() != null) {
      c.exec(dialect.migrationLock());
    }
    try {
      applyLocked(c, dialect);
      return currentVersion(c);
    } finally {
      if (dialect.migrationUnlock() != null) {
        c.tryExec(dialect.migrationUnlock());
      }
    }
  }

  /**
   * Checks without changing anything that the database is at the latest version this build
   * knows; returns it, or throws a StoreException telling the operator what to do.
   */
  static int check(Conn c, Dialect dialect) {
    int latest = latest(dialect);
    int current;
    try {
      current = currentVersion(c);
    } catch (SQLException e) {
      current = 0; // no schema_version table: an empty database (or schema)
    }
    if (current > latest) {
      throw new StoreException("database schema version " + current
          + " is newer than this Sundial supports (" + latest + "); upgrade Sundial", null);
    }
    if (current < latest) {
      throw new StoreException("database schema version is " + current + " but this Sundial needs "
          + latest + ": run `sundial db migrate` first", null);
    }
    return current;
  }

  /** The latest version the migrations of the dialect know. */
  static int latest(Dialect dialect) {
    List<Migration> migrations = list(dialect.migrationsDir());
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  private static void applyLocked(Conn c, Dialect dialect) throws SQLException {
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
            + " name VARCHAR(200) NOT NULL, applied_at BIGINT NOT NULL)");
    List<Migration> migrations = list(dialect.migrationsDir());
    int latest = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
    for (Migration m : migrations) {
      c.exec(dialect.beginWrite());
      try {
        // Re-read inside the transaction: another process may be migrating the same file.
        int current = currentVersion(c);
        if (current > latest) {
          throw new StoreException(
              "database schema version " + current + " is newer than this Sundial supports ("
                  + latest + ")", null);
        }
        if (m.version() > current) {
          try (Statement s = c.connection.createStatement()) {
            for (String sql : statements(read(m.resource()))) {
              s.execute(sql);
            }
          }
          var insert =
              c.ps("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)");
          insert.setInt(1, m.version());
          insert.setString(2, m.name());
          insert.setLong(3, System.currentTimeMillis());
          insert.executeUpdate();
        }
        c.exec("COMMIT");
      } catch (SQLException | RuntimeException e) {
        c.tryExec("ROLLBACK");
        throw e;
      }
    }
  }

  private static int currentVersion(Conn c) throws SQLException {
    // Not a cached statement: on an empty database the table may not exist yet.
    try (Statement s = c.connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static List<Migration> list(String dir) {
    List<Migration> result = new ArrayList<>();
    for (String line : read(dir + "/migrations.list").split("\n")) {
      String file = line.strip();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name: " + file);
      }
      int version = Integer.parseInt(m.group(1));
      if (version != result.size() + 1) {
        throw new IllegalStateException("migrations must be numbered 1, 2, 3...: " + file);
      }
      result.add(new Migration(version, m.group(2), dir + "/" + file));
    }
    return result;
  }

  static List<String> statements(String script) {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        result.add(current.toString().strip().replaceAll(";$", ""));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      result.add(current.toString().strip());
    }
    return result;
  }

  private static String read(String resource) {
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
