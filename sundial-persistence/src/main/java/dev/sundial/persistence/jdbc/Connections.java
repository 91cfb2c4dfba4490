package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.StoreException;
import dev.sundial.persistence.jdbc.JdbcStore.ConnectionFactory;
import dev.sundial.persistence.jdbc.JdbcStore.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of a {@link JdbcStore}. One writer connection serialized by a lock does every
 * write; reads use separate connections so they run concurrently with commits: either a fixed set
 * kept for the store's lifetime with their prepared statements (SQLite), or a pool borrowed per
 * read (PostgreSQL). With neither, reads share the writer under the same lock. A writer opened
 * from a {@link ConnectionFactory} is replaced when it breaks (e.g. the database restarted).
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);
  private static final long WRITER_IDLE_CHECK_NANOS = 1_000_000_000L;

  private final ReentrantLock writeLock = new ReentrantLock();
  private final ConnectionFactory writerFactory; // null: the fixed writer below
  private Conn writer; // guarded by writeLock; null after a pooled writer broke
  private long writerUsedNanos = System.nanoTime(); // guarded by writeLock
  private final BlockingQueue<Conn> readers; // fixed readers; null: pooled or shared with writer
  private final int readerCount;
  private final ConnectionFactory readPool; // null: fixed readers or the writer
  private final AutoCloseable onClose;
  private volatile boolean closed;
  private volatile String writeProblem;

  /** Fixed connections (writer in auto-commit mode), owned from now on. */
  Connections(Connection writer, List<Connection> readers) {
    this.writerFactory = null;
    this.writer = new Conn(writer);
    this.readerCount = readers.size();
    this.readers = readers.isEmpty() ? null : new ArrayBlockingQueue<>(readers.size());
    readers.forEach(r -> this.readers.add(new Conn(r)));
    this.readPool = null;
    this.onClose = null;
  }

  /** A replaceable writer and pooled reads; {@code onClose} (e.g. the pool) is closed last. */
  Connections(ConnectionFactory writerFactory, ConnectionFactory readPool, AutoCloseable onClose) {
    this.writerFactory = writerFactory;
    this.readers = null;
    this.readerCount = 0;
    this.readPool = readPool;
    this.onClose = onClose;
  }

  void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Wait for in-flight reads to hand their connections back, then close readers first so the
      // writer is the last connection and can checkpoint the WAL.
      for (int i = 0; readers != null && i < readerCount; i++) {
        Conn r = readers.poll(10, TimeUnit.SECONDS);
        if (r == null) {
          log.warn("a read did not finish within 10 s; closing without its connection");
          break;
        }
        r.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        if (writer != null) {
          writer.close();
          writer = null;
        }
        if (onClose != null) {
          onClose.close();
        }
      } catch (Exception e) {
        log.warn("closing the connection pool failed", e);
      } finally {
        writeLock.unlock();
      }
    }
  }

  <T> T write(String what, SqlWork<T> work) {
    return write(what, work, true);
  }

  /**
   * A write; {@code showsRecovery}: whether its success shows that writes work again. A small
   * write (an audit record) can succeed on a disk too full for a workflow's: it must not clear
   * the problem, which readiness reports until a real write or the 1 MB probe succeeds.
   */
  <T> T write(String what, SqlWork<T> work, boolean showsRecovery) {
    writeLock.lock();
    try {
      checkOpen();
      Conn c = writer();
      try {
        T result = work.run(c);
        if (writeProblem != null && showsRecovery) {
          log.info("database writes succeed again (after: {})", writeProblem);
          writeProblem = null;
        }
        return result;
      } catch (SQLException e) {
        if (writeProblem == null) {
          log.warn("{} failed: {}", what, e.getMessage());
        }
        writeProblem = what + " failed: " + e.getMessage();
        recover(c);
        discardIfBroken(c);
        throw new StoreException(what + " failed: " + e.getMessage(), e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Null while writes succeed; else why the last one failed. */
  String writeProblem() {
    return writeProblem;
  }

  /**
   * After a failed write (a full disk, an I/O error): leaves no transaction open and no prepared
   * statement in a failed state, so the next write starts clean and succeeds once the cause is
   * gone, without a restart. The rollback uses a fresh statement: a cached one may be the one
   * that failed.
   */
  private static void recover(Conn c) {
    c.resetStatements();
    try (Statement st = c.connection.createStatement()) {
      st.execute("ROLLBACK");
    } catch (SQLException alreadyRolledBack) {
      // the database rolled the transaction back itself
    }
  }

  /**
   * The writer, (re)opened from the factory when there is none. A pooled writer idle for a while
   * is validated first, so the first write after a database restart does not fail on a dead
   * connection (a write that fails mid-way cannot be retried: its outcome is unknown). Under
   * writeLock.
   */
  private Conn writer() {
    if (writer != null && writerFactory != null
        && System.nanoTime() - writerUsedNanos > WRITER_IDLE_CHECK_NANOS && !isValid(writer)) {
      log.warn("the database writer connection is dead; opening a new one");
      writer.close();
      writer = null;
    }
    writerUsedNanos = System.nanoTime();
    if (writer == null) {
      try {
        writer = new Conn(writerFactory.open());
      } catch (SQLException e) {
        throw new StoreException("cannot open a database connection: " + e.getMessage(), e);
      }
    }
    return writer;
  }

  /** After a failed write: drops a replaceable writer whose connection no longer works. */
  private void discardIfBroken(Conn c) {
    if (writerFactory == null || c != writer) {
      return;
    }
    if (!isValid(c)) {
      log.warn("the database writer connection broke; the next write opens a new one");
      writer = null;
      c.close();
    }
  }

  <T> T read(String what, SqlWork<T> work) {
    if (readPool != null) {
      return pooledRead(what, work, true);
    }
    if (readers == null) {
      return write(what, work);
    }
    Conn c = borrow();
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  /**
   * A pooled connection per read; closing the Conn closes its statements and returns it. A read
   * that fails because its connection turned out dead (the pool handed out one the server had
   * already closed, e.g. after a restart) is retried once on a fresh one: reads are idempotent.
   */
  private <T> T pooledRead(String what, SqlWork<T> work, boolean mayRetry) {
    checkOpen();
    try (Conn c = new Conn(readPool.open())) {
      try {
        return work.run(c);
      } catch (SQLException e) {
        if (!mayRetry || isValid(c)) {
          throw e;
        }
        log.debug("{}: connection was dead, retrying once on a fresh one", what);
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
    // Reached only when the connection was dead (it has been closed, so the pool drops it).
    return pooledRead(what, work, false);
  }

  private static boolean isValid(Conn c) {
    try {
      return c.connection.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private Conn borrow() {
    try {
      while (true) {
        checkOpen();
        // Poll (not take) so a reader waiting while close() drains the pool notices the close.
        Conn c = readers.poll(50, TimeUnit.MILLISECONDS);
        if (c != null) {
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a read connection", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("store closed", null);
    }
  }
}
