package dev.sundial.server.connections;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java's server side logs through java.util.logging with a stack trace for each bad
 * connection or oversized message (about 30 lines each, not through our logging). These loggers
 * are sent to SLF4J instead, as one line each: what happened and the exception's own message.
 * Only the server-side loggers: an embedding application's gRPC clients keep their logging.
 */
public final class GrpcServerLogs {
  private static final Logger log = LoggerFactory.getLogger("dev.sundial.server.grpc");
  private static final String NETTY = "io.grpc.netty.shaded.io.grpc.netty.";
  /** Held strongly: java.util.logging forgets the settings of a logger nobody references. */
  private static final List<java.util.logging.Logger> LOGGERS = List.of(
      java.util.logging.Logger.getLogger(NETTY + "NettyServerTransport"),
      java.util.logging.Logger.getLogger(NETTY + "NettyServerStream"),
      java.util.logging.Logger.getLogger(NETTY + "NettyServerHandler"),
      java.util.logging.Logger.getLogger("io.grpc.internal.ServerImpl"));
  private static final int MAX_MESSAGE_CHARS = 300;

  private GrpcServerLogs() {}

  private static final AtomicBoolean INSTALLED =
      new AtomicBoolean();

  /** Installs the redirection (once per JVM; later calls do nothing). */
  public static void install() {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    Handler oneLine = new Handler() {
      @Override
      public void publish(LogRecord r) {
        String text = oneLine(r);
        int level = r.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
          log.error(text);
        } else if (level >= Level.WARNING.intValue()) {
          log.warn(text);
        } else if (level >= Level.INFO.intValue()) {
          log.info(text);
        } else {
          log.debug(text);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    for (java.util.logging.Logger l : LOGGERS) {
      l.setUseParentHandlers(false);
      l.addHandler(oneLine);
    }
  }

  static String oneLine(LogRecord r) {
    StringBuilder b = new StringBuilder("gRPC: ").append(r.getMessage() == null ? "" : r.getMessage());
    Throwable t = r.getThrown();
    if (t != null) {
      String m = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ");
      b.append(": ").append(t.getClass().getSimpleName()).append(' ').append(m);
    }
    return b.length() > MAX_MESSAGE_CHARS ? b.substring(0, MAX_MESSAGE_CHARS) + "..." : b.toString();
  }
}
