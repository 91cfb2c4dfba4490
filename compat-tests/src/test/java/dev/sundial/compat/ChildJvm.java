package dev.sundial.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What the child-JVM server fixtures (crash tests, cluster tests) share. */
public final class ChildJvm {
  private ChildJvm() {}

  /** The java executable running the tests (the child runs on the same JVM). */
  public static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** Ports handed out by this JVM: the kernel may offer the same free port twice in a row. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** A port that was free a moment ago on 127.0.0.1 and that this JVM has not handed out before. */
  public static int freePort() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        s.setReuseAddress(true);
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Appends {@code header} (a launch line; database passwords in it are masked) to the log file,
   * then starts the command with its output appended to the same file.
   */
  public static Process launch(List<String> command, Path logFile, String header) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.writeString(
          logFile,
          // The test database URL may carry a password: keep it out of the log.
          header.replaceAll("(?i)password=[^&\\s]*", "password=***")
              .replaceAll("(://[^:/@\\s]*:)[^@/\\s]*@", "$1***@"),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
