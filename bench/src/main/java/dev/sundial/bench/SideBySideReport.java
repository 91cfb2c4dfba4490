package dev.sundial.bench;

import dev.sundial.bench.ServerProcess.Kind;
import dev.sundial.bench.SideBySide.Run;
import dev.sundial.bench.SideBySide.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The side-by-side comparison's table and its one-line JSON summary. */
final class SideBySideReport {

  private SideBySideReport() {}

  /**
   * Rough state transitions per workflow of K sequential activities: start, workflow task
   * started, completed; then per activity: activity started, completed, workflow task started,
   * completed (scheduling rides on the transition before it).
   */
  static int stateTransitionsPerWorkflow(int activities) {
    return 3 + 4 * activities;
  }

  static void print(
      PrintWriter out, List<Run> runs, List<Summary> sums, List<Integer> levels, int activities) {
    out.println();
    out.println("Per run:");
    runs.forEach(r -> out.println("  round " + r.round() + " " + r.line()));
    out.println();
    out.printf(
        Locale.ROOT,
        "%-17s %5s %4s %9s %9s %9s %11s %11s %11s %9s %8s%n",
        "server", "conc", "runs", "wf/s", "p50 ms", "p99 ms", "srv ms/wf", "srv-JIT", "gen ms/wf",
        "st/s~", "RSS MiB");
    for (Summary s : sums) {
      out.printf(
          Locale.ROOT,
          "%-17s %5d %4d %9.1f %9.1f %9.1f %11.3f %11.3f %11.3f %9.0f %8.0f%s%n",
          s.kind().label, s.concurrency(), s.runs(), s.throughput(), s.p50Ms(), s.p99Ms(),
          s.serverCpuPerWf(), s.serverCpuPerWfExJit(), s.loadgenCpuPerWf(),
          s.throughput() * stateTransitionsPerWorkflow(activities), s.serverPeakRssMiB(),
          s.errors() > 0 ? "  (" + s.errors() + " errors)" : "");
    }
    out.println(
        "srv ms/wf = server JVM CPU (user+sys, /proc) per completed workflow; srv-JIT = the"
            + " same without the JIT compiler threads (steady state); gen ms/wf = the"
            + " load generator's (SDK worker + client) CPU per workflow; st/s~ = estimated state"
            + " transitions/s ("
            + stateTransitionsPerWorkflow(activities)
            + " per workflow).");
    for (int c : levels) {
      ratio(sums, c)
          .ifPresent(
              r ->
                  out.printf(
                      Locale.ROOT,
                      "Ratio sundial-sqlite / test-server at concurrency %d: throughput x%.2f,"
                          + " server CPU per workflow x%.3f%n",
                      c, r[0], r[1]));
    }
    out.println(
        "Durability: sundial-sqlite fsyncs every commit (SQLite WAL, synchronous=FULL);"
            + " test-server keeps everything in memory.");
    out.flush();
  }

  /** {throughput ratio, CPU-per-workflow ratio} of Sundial (SQLite) to the test server. */
  static Optional<double[]> ratio(List<Summary> sums, int c) {
    Optional<Summary> a = find(sums, Kind.SUNDIAL_SQLITE, c);
    Optional<Summary> b = find(sums, Kind.TEST_SERVER, c);
    if (a.isEmpty() || b.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new double[] {
          a.get().throughput() / b.get().throughput(),
          a.get().serverCpuPerWf() / b.get().serverCpuPerWf()
        });
  }

  private static Optional<Summary> find(List<Summary> sums, Kind k, int c) {
    return sums.stream().filter(s -> s.kind() == k && s.concurrency() == c).findFirst();
  }

  static String json(
      Machine m,
      SideBySide cfg,
      List<String> jvmOpts,
      List<Run> runs,
      List<Summary> sums,
      List<Integer> levels) {
    StringBuilder b = new StringBuilder("{\"tool\":\"sundial-side-by-side\"");
    b.append(",\"machine\":{\"nproc\":").append(m.nproc())
        .append(",\"cpu\":").append(LoadGen.json(m.cpu()))
        .append(",\"memTotalMiB\":").append(m.memMiB())
        .append(",\"java\":").append(LoadGen.json(m.java())).append('}');
    b.append(",\"workload\":\"activities\",\"activities\":").append(cfg.activities)
        .append(",\"workflowsPerRun\":").append(cfg.workflows)
        .append(",\"warmup\":").append(cfg.warmup)
        .append(",\"rounds\":").append(cfg.rounds)
        .append(",\"serverJvmOpts\":").append(LoadGen.json(String.join(" ", jvmOpts)));
    b.append(",\"summary\":[")
        .append(sums.stream().map(SideBySideReport::json).collect(Collectors.joining(",")))
        .append(']');
    b.append(",\"ratios\":[");
    String ratios =
        levels.stream()
            .map(
                c ->
                    ratio(sums, c)
                        .map(
                            r ->
                                String.format(
                                    Locale.ROOT,
                                    "{\"concurrency\":%d,\"throughputRatio\":%s,"
                                        + "\"serverCpuPerWfRatio\":%s}",
                                    c, num(r[0]), num(r[1])))
                        .orElse(null))
            .filter(s -> s != null)
            .collect(Collectors.joining(","));
    b.append(ratios).append(']');
    b.append(",\"runs\":[")
        .append(runs.stream().map(SideBySideReport::json).collect(Collectors.joining(",")))
        .append("]}");
    return b.toString();
  }

  private static String json(Summary s) {
    return String.format(
        Locale.ROOT,
        "{\"server\":\"%s\",\"concurrency\":%d,\"runs\":%d,\"completed\":%d,\"errors\":%d,"
            + "\"throughputPerSec\":%s,\"p50Ms\":%s,\"p99Ms\":%s,\"serverCpuMsPerWf\":%s,"
            + "\"serverCpuMsPerWfExJit\":%s,\"loadgenCpuMsPerWf\":%s,\"serverPeakRssMiB\":%s}",
        s.kind().label, s.concurrency(), s.runs(), s.completed(), s.errors(),
        num(s.throughput()), num(s.p50Ms()), num(s.p99Ms()), num(s.serverCpuPerWf()),
        num(s.serverCpuPerWfExJit()),
        num(s.loadgenCpuPerWf()), num(s.serverPeakRssMiB()));
  }

  private static String json(Run r) {
    return String.format(
        Locale.ROOT,
        "{\"server\":\"%s\",\"round\":%d,\"concurrency\":%d,\"completed\":%d,\"errors\":%d,"
            + "\"throughputPerSec\":%s,\"p50Ms\":%s,\"p99Ms\":%s,\"elapsedSec\":%s,"
            + "\"serverCpuMs\":%s,\"serverJitCpuMs\":%s,\"loadgenCpuMs\":%s,"
            + "\"loadAvgBefore\":%s}",
        r.kind().label, r.round(), r.concurrency(), r.completed(), r.errors(),
        num(r.throughput()), num(r.p50Ms()), num(r.p99Ms()), num(r.elapsedSec()),
        num(r.serverCpuMs()), num(r.serverJitCpuMs()), num(r.loadgenCpuMs()), LoadGen.json(r.loadAvg()));
  }

  /** JSON has no NaN: unknown numbers are null. */
  private static String num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.3f", d);
  }

  /** What the results were measured on. */
  record Machine(int nproc, String cpu, long memMiB, String java) {

    static Machine describe() {
      return new Machine(
          Runtime.getRuntime().availableProcessors(),
          field("/proc/cpuinfo", "model name").orElse("unknown CPU"),
          field("/proc/meminfo", "MemTotal")
              .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024)
              .orElse(-1L),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    }

    String text() {
      return String.format(
          Locale.ROOT, "%d CPUs (%s), %d MiB RAM, %s", nproc, cpu, memMiB, java);
    }

    private static Optional<String> field(String file, String key) {
      try {
        return Files.readAllLines(Path.of(file)).stream()
            .filter(l -> l.startsWith(key))
            .map(l -> l.substring(l.indexOf(':') + 1).trim())
            .findFirst();
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }
}
