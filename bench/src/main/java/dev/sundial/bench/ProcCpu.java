package dev.sundial.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time and memory of a Linux process from /proc: user + system time of all its threads (so
 * GC and JIT threads count too), which is what the side-by-side comparison charges per workflow.
 */
final class ProcCpu {

  private static final long CLK_TCK = clockTicksPerSecond();

  private ProcCpu() {}

  /** Whether /proc/self/stat exists (Linux); without it the CPU columns are left empty. */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/stat"));
  }

  /** Process CPU time (utime + stime) in milliseconds; pid "self" is this JVM. */
  static double cpuMillis(String pid) {
    String stat = read(Path.of("/proc", pid, "stat"));
    // The command name (field 2) is in parentheses and may contain spaces: count from after it.
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalStateException("unexpected /proc/" + pid + "/stat: " + stat);
    }
    String[] f = stat.substring(close + 2).trim().split("\\s+");
    // After the name: state(3) ppid(4) ... utime is field 14, stime field 15 (1-based, man proc).
    long utime = Long.parseLong(f[14 - 3]);
    long stime = Long.parseLong(f[15 - 3]);
    return (utime + stime) * 1000.0 / CLK_TCK;
  }

  /**
   * CPU milliseconds per thread group of a process: threads named alike (digits dropped, e.g.
   * "grpc-default-executor-12" and "-3" together; Linux keeps 15 characters of a name) are
   * summed. Threads that already ended are missing, so deltas are approximate: a hint where the
   * time goes, the process total above is the figure.
   */
  static Map<String, Double> threadGroupCpuMillis(String pid) {
    Map<String, Double> m = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", pid, "task"))) {
      for (Path t : tasks) {
        try {
          String stat = read(t.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
          String[] f = stat.substring(close + 2).trim().split("\\s+");
          double ms = (Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3])) * 1000.0 / CLK_TCK;
          m.merge(name, ms, Double::sum);
        } catch (RuntimeException e) {
          // the thread ended while we read
        }
      }
    } catch (IOException e) {
      // process gone
    }
    return m;
  }

  /** Peak resident set size (VmHWM) in MiB, or -1 when unknown. */
  static double peakRssMiB(String pid) {
    try {
      for (String line : read(Path.of("/proc", pid, "status")).split("\n")) {
        if (line.startsWith("VmHWM:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) / 1024.0; // the kernel reports kB
        }
      }
    } catch (RuntimeException e) {
      // Process gone or no /proc: the column is informative only.
    }
    return -1;
  }

  static long clockTicks() {
    return CLK_TCK;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /** `getconf CLK_TCK`, which is 100 on every common Linux; 100 when getconf is missing. */
  private static long clockTicksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (p.waitFor() == 0 && out.matches("\\d+")) {
        return Long.parseLong(out);
      }
    } catch (IOException e) {
      // fall through to the default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
