package dev.sundial.bench;

import dev.sundial.bench.ServerProcess.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Side-by-side comparison: the same LoadGen workload against Sundial standalone (SQLite, fsync
 * per commit) and against the SDK's in-memory test server, each a child JVM with the same flags,
 * alternating A/B/A/B so that drift on a shared machine hits both alike. Reports throughput,
 * latency, and the server JVM's CPU per workflow read from /proc, plus the ratios.
 *
 * <p>The load generator runs in this JVM (kept warm across rounds, so neither server pays for the
 * SDK's JIT warm-up), which also lets it charge the SDK side's CPU per workflow from
 * /proc/self/stat.
 */
@Command(
    name = "side-by-side",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Run one LoadGen workload against Sundial and the SDK test server, alternating.")
public final class SideBySide implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--sundial-jar",
      defaultValue = "sundial-cli/target/sundial-cli-0.1.0-SNAPSHOT-all.jar",
      paramLabel = "<jar>",
      description = "The sundial-cli shaded jar. Default: ${DEFAULT-VALUE}.")
  Path sundialJar;

  @Option(
      names = "--workflows",
      defaultValue = "2000",
      paramLabel = "<N>",
      description = "Workflows per measured run. Default: ${DEFAULT-VALUE}.")
  int workflows;

  @Option(
      names = "--warmup",
      defaultValue = "2000",
      paramLabel = "<N>",
      description =
          "Workflows run (not measured) after each server start, so that the JIT compiler's work"
              + " is mostly done before measuring. Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--loadgen-warmup",
      defaultValue = "3000",
      paramLabel = "<N>",
      description =
          "Workflows run once before round 1, against a throw-away test server and not measured,"
              + " to warm up the load generator's own JVM (else the first server measured pays"
              + " for the SDK's JIT). 0 skips it. Default: ${DEFAULT-VALUE}.")
  int loadgenWarmup;

  @Option(
      names = "--concurrency",
      defaultValue = "16,64",
      split = ",",
      paramLabel = "<C>",
      description = "Concurrency levels, each measured once per server start. Default: ${DEFAULT-VALUE}.")
  List<Integer> concurrency;

  @Option(
      names = "--activities",
      defaultValue = "1",
      paramLabel = "<K>",
      description = "Sequential activities per workflow. Default: ${DEFAULT-VALUE}.")
  int activities;

  @Option(
      names = "--rounds",
      defaultValue = "2",
      paramLabel = "<R>",
      description = "Rounds; each starts every server once, in turn. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--duration-limit",
      defaultValue = "120",
      paramLabel = "<seconds>",
      description = "Limit per measured run. Default: ${DEFAULT-VALUE}.")
  int durationLimit;

  @Option(
      names = "--server-jvm-opts",
      defaultValue = "-Xms256m -Xmx1g -XX:+UseG1GC",
      paramLabel = "<opts>",
      description = "JVM flags for every server JVM (the same for all). Default: ${DEFAULT-VALUE}.")
  String serverJvmOpts;

  @Option(
      names = "--postgres-url",
      paramLabel = "<url>",
      description =
          "Also run Sundial on this PostgreSQL --db URL once after the rounds (reported apart).")
  String postgresUrl;

  @Option(
      names = "--json-out",
      paramLabel = "<file>",
      description = "Also write the JSON summary line to this file.")
  Path jsonOut;

  @Option(
      names = "--keep-logs",
      description = "Keep the servers' logs (and SQLite files) in the temp directory.")
  boolean keepLogs;

  @Option(
      names = "--thread-breakdown",
      description = "Also print the server's CPU per workflow by thread group (from /proc).")
  boolean threadBreakdown;

  @Option(
      names = "--quiet-loadgen",
      description = "Do not echo LoadGen's own output.")
  boolean quietLoadgen;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    validate();
    out = spec.commandLine().getOut();
    LoadGen.quietSdkLogging();
    List<String> jvmOpts = Arrays.asList(serverJvmOpts.trim().split("\\s+"));
    Path workDir = Files.createTempDirectory("sundial-side-by-side-");
    SideBySideReport.Machine machine = SideBySideReport.Machine.describe();
    out.println("Machine: " + machine.text());
    out.printf(
        Locale.ROOT,
        "Workload: activities (%d per workflow), %d workflows per run after %d warm-up, concurrency"
            + " %s, %d rounds; server JVM flags: %s%n",
        activities, workflows, warmup, concurrency, rounds, String.join(" ", jvmOpts));
    out.flush();

    List<Run> runs = new ArrayList<>();
    List<Kind> order = List.of(Kind.SUNDIAL_SQLITE, Kind.TEST_SERVER);
    List<String> failures = new ArrayList<>();
    try {
      if (loadgenWarmup > 0) {
        warmLoadGenerator(jvmOpts, workDir, failures);
      }
      for (int round = 1; round <= rounds; round++) {
        for (Kind kind : order) {
          session(kind, round, jvmOpts, workDir, runs, failures);
        }
      }
      if (postgresUrl != null) {
        session(Kind.SUNDIAL_POSTGRES, 1, jvmOpts, workDir, runs, failures);
      }
    } finally {
      if (keepLogs) {
        out.println("Server logs kept under " + workDir);
      } else {
        workDir.toFile().delete();
      }
    }

    List<Summary> summaries = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int c : concurrency) {
        List<Run> rs = runs.stream().filter(r -> r.kind == kind && r.concurrency == c).toList();
        if (!rs.isEmpty()) {
          summaries.add(Summary.of(kind, c, rs));
        }
      }
    }
    SideBySideReport.print(out, runs, summaries, concurrency, activities);
    String json =
        SideBySideReport.json(machine, this, jvmOpts, runs, summaries, concurrency);
    out.println(json);
    out.flush();
    if (jsonOut != null) {
      Files.writeString(jsonOut, json + "\n", StandardCharsets.UTF_8);
    }
    failures.forEach(f -> out.println("FAILED: " + f));
    out.flush();
    boolean clean =
        failures.isEmpty() && runs.stream().allMatch(r -> r.errors == 0 && r.completed == workflows);
    return clean ? 0 : 1;
  }

  /**
   * One server start: wait until it answers, warm up, then one measured run per concurrency. A
   * failure is recorded and the comparison goes on with the next server, so one bad start does
   * not lose the other results.
   */
  private void session(
      Kind kind,
      int round,
      List<String> jvmOpts,
      Path workDir,
      List<Run> result,
      List<String> failures) {
    out.printf(Locale.ROOT, "%n== round %d: %s (%s)%n", round, kind.label, kind.durability);
    out.flush();
    try (ServerProcess server = ServerProcess.start(kind, sundialJar, postgresUrl, jvmOpts, workDir, keepLogs)) {
      server.awaitReady(Duration.ofSeconds(90));
      out.printf(Locale.ROOT, "   %s ready on %s (pid %s)%n", kind.label, server.target(), server.pid());
      out.flush();
      loadgen(server, warmup, concurrency.get(0), "warm-up");
      for (int c : concurrency) {
        String load = loadAverage();
        Map<String, Double> threads0 = ProcCpu.threadGroupCpuMillis(server.pid());
        double srv0 = ProcCpu.cpuMillis(server.pid());
        double gen0 = ProcCpu.cpuMillis("self");
        Map<String, Double> r = loadgen(server, workflows, c, "measured");
        double srv1 = ProcCpu.cpuMillis(server.pid());
        double gen1 = ProcCpu.cpuMillis("self");
        Map<String, Double> threads1 = ProcCpu.threadGroupCpuMillis(server.pid());
        Run run =
            new Run(
                kind,
                round,
                c,
                (long) field(r, "completed"),
                (long) field(r, "errors"),
                field(r, "throughput_per_s", "throughputPerSec"),
                field(r, "p50_ms", "p50Ms"),
                field(r, "p99_ms", "p99Ms"),
                field(r, "seconds", "elapsedSec"),
                srv1 - srv0,
                jitMillis(threads1) - jitMillis(threads0),
                gen1 - gen0,
                ProcCpu.peakRssMiB(server.pid()),
                load);
        out.println("   " + run.line());
        if (threadBreakdown) {
          printThreadBreakdown(threads0, threads1, run.completed());
        }
        out.flush();
        result.add(run);
        if (!server.alive()) {
          throw new IllegalStateException(kind.label + " died during the run; log:\n" + server.tail());
        }
      }
    } catch (IOException | RuntimeException e) {
      String what = "round " + round + " " + kind.label + ": " + e;
      out.println("   " + what);
      out.flush();
      failures.add(what.lines().findFirst().orElse(what));
    }
  }

  /**
   * Warms this JVM (the SDK's worker and client code) against a test server that is then thrown
   * away: the test server, so that if this biases anything it favours the competitor.
   */
  private void warmLoadGenerator(List<String> jvmOpts, Path workDir, List<String> failures) {
    out.printf(
        Locale.ROOT,
        "%n== load generator warm-up (%d workflows against a throw-away test server, not"
            + " measured)%n",
        loadgenWarmup);
    out.flush();
    try (ServerProcess server =
        ServerProcess.start(Kind.TEST_SERVER, sundialJar, null, jvmOpts, workDir, false)) {
      server.awaitReady(Duration.ofSeconds(90));
      for (int c : concurrency) {
        loadgen(server, Math.max(1, loadgenWarmup / concurrency.size()), c, "warm-up");
      }
    } catch (IOException | RuntimeException e) {
      failures.add("load generator warm-up: " + String.valueOf(e).lines().findFirst().orElse(""));
    }
  }

  /** CPU of the JIT compiler threads (HotSpot names them "C1/C2 CompilerThreadN"). */
  private static double jitMillis(Map<String, Double> threadGroups) {
    return threadGroups.entrySet().stream()
        .filter(e -> e.getKey().contains("CompilerThre"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }

  /** The server's busiest thread groups during the run, in CPU ms per workflow. */
  private void printThreadBreakdown(Map<String, Double> before, Map<String, Double> after, long n) {
    if (n == 0) {
      return;
    }
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(10)
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT, "     server thread %-16s %7.3f ms/wf%n", e.getKey(), e.getValue() / n));
    out.flush();
  }

  /** Runs LoadGen in this JVM against the server and returns the fields of its JSON summary. */
  private Map<String, Double> loadgen(ServerProcess server, int n, int c, String what) {
    StringBuilder captured = new StringBuilder();
    boolean echo = !quietLoadgen;
    Writer tee =
        new Writer() {
          @Override
          public void write(char[] buf, int off, int len) {
            captured.append(buf, off, len);
            if (echo) {
              System.out.print(new String(buf, off, len).replace("\n", "\n     | "));
            }
          }

          @Override
          public void flush() {
            System.out.flush();
          }

          @Override
          public void close() {}
        };
    PrintWriter pw = new PrintWriter(tee, true);
    String[] args = {
      "--target", server.target(),
      "--workload", "activities",
      "--activities", Integer.toString(activities),
      "--workflows", Integer.toString(n),
      "--concurrency", Integer.toString(c),
      "--duration-limit", Integer.toString(durationLimit)
    };
    out.printf(
        Locale.ROOT, "   %s: loadgen %s%n%s", what, String.join(" ", args), echo ? "     | " : "");
    out.flush();
    CommandLine cl = new CommandLine(new LoadGen()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(pw);
    cl.setErr(pw);
    int code = cl.execute(args);
    pw.flush();
    if (echo) {
      System.out.println();
    }
    Map<String, Double> fields = jsonSummary(captured.toString());
    if (fields == null) {
      throw new IllegalStateException(
          "LoadGen (exit " + code + ") printed no JSON summary:\n" + captured);
    }
    return fields;
  }

  /** A field of LoadGen's summary under the first of its names present (spellings changed). */
  private static double field(Map<String, Double> m, String... names) {
    for (String n : names) {
      Double v = m.get(n);
      if (v != null) {
        return v;
      }
    }
    throw new IllegalStateException(
        "LoadGen's JSON summary has no " + String.join("/", names) + " field: " + m.keySet());
  }

  private static final Pattern NUMBER_FIELD =
      Pattern.compile("\"(\\w+)\"\\s*:\\s*(-?[0-9][0-9.eE+-]*|NaN)");

  /** The numeric fields of LoadGen's last one-line JSON summary (the line naming the workload). */
  static Map<String, Double> jsonSummary(String output) {
    String line = null;
    for (String l : output.split("\n")) {
      String t = l.replaceFirst("^\\s*\\|\\s*", "").trim();
      if (t.startsWith("{") && t.contains("\"workload\"")) {
        line = t;
      }
    }
    if (line == null) {
      return null;
    }
    Map<String, Double> m = new LinkedHashMap<>();
    Matcher mt = NUMBER_FIELD.matcher(line);
    while (mt.find()) {
      m.put(mt.group(1), Double.parseDouble(mt.group(2)));
    }
    return m;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (workflows < 1) {
      throw new ParameterException(cl, "--workflows must be at least 1");
    }
    if (warmup < 1) {
      throw new ParameterException(cl, "--warmup must be at least 1");
    }
    if (loadgenWarmup < 0) {
      throw new ParameterException(cl, "--loadgen-warmup must be 0 or more");
    }
    if (rounds < 1 || rounds > 100) {
      throw new ParameterException(cl, "--rounds must be 1..100");
    }
    if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1 || c > 10_000)) {
      throw new ParameterException(cl, "--concurrency values must be 1..10000");
    }
    if (activities < 0 || activities > 1000) {
      throw new ParameterException(cl, "--activities must be 0..1000");
    }
    if (durationLimit < 1) {
      throw new ParameterException(cl, "--duration-limit must be at least 1");
    }
    if (!Files.isRegularFile(sundialJar)) {
      throw new ParameterException(
          cl,
          "--sundial-jar " + sundialJar + " does not exist (build it: mvn -pl sundial-cli -am"
              + " package -DskipTests)");
    }
    if (!ProcCpu.available()) {
      throw new ParameterException(cl, "/proc is needed to read server CPU (Linux only)");
    }
    if (postgresUrl != null && !postgresUrl.matches("(postgres|postgresql|jdbc:postgresql)://.*")) {
      throw new ParameterException(cl, "--postgres-url must be a postgres:// URL");
    }
  }

  /** One measured run. CPU figures are milliseconds over the whole run. */
  record Run(
      Kind kind,
      int round,
      int concurrency,
      long completed,
      long errors,
      double throughput,
      double p50Ms,
      double p99Ms,
      double elapsedSec,
      double serverCpuMs,
      double serverJitCpuMs,
      double loadgenCpuMs,
      double serverPeakRssMiB,
      String loadAvg) {

    double serverCpuPerWfExJit() {
      return completed == 0 ? Double.NaN : (serverCpuMs - serverJitCpuMs) / completed;
    }

    double serverCpuPerWf() {
      return completed == 0 ? Double.NaN : serverCpuMs / completed;
    }

    double loadgenCpuPerWf() {
      return completed == 0 ? Double.NaN : loadgenCpuMs / completed;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%s c=%d: %d done, %d errors, %.1f wf/s, p50 %.1f ms, p99 %.1f ms, server CPU %.2f"
              + " ms/wf (%.2f without JIT compiler threads), loadgen CPU %.2f ms/wf, server peak"
              + " RSS %.0f MiB, load avg before %s",
          kind.label, concurrency, completed, errors, throughput, p50Ms, p99Ms,
          serverCpuPerWf(), serverCpuPerWfExJit(), loadgenCpuPerWf(), serverPeakRssMiB, loadAvg);
    }
  }

  /** Runs of one server at one concurrency, combined. */
  record Summary(
      Kind kind,
      int concurrency,
      int runs,
      long completed,
      long errors,
      double throughput,
      double p50Ms,
      double p99Ms,
      double serverCpuPerWf,
      double serverCpuPerWfExJit,
      double loadgenCpuPerWf,
      double serverPeakRssMiB) {

    static Summary of(Kind kind, int c, List<Run> rs) {
      long completed = rs.stream().mapToLong(Run::completed).sum();
      double srv = rs.stream().mapToDouble(Run::serverCpuMs).sum();
      double jit = rs.stream().mapToDouble(Run::serverJitCpuMs).sum();
      double gen = rs.stream().mapToDouble(Run::loadgenCpuMs).sum();
      return new Summary(
          kind,
          c,
          rs.size(),
          completed,
          rs.stream().mapToLong(Run::errors).sum(),
          rs.stream().mapToDouble(Run::throughput).average().orElse(Double.NaN),
          rs.stream().mapToDouble(Run::p50Ms).average().orElse(Double.NaN),
          rs.stream().mapToDouble(Run::p99Ms).average().orElse(Double.NaN),
          completed == 0 ? Double.NaN : srv / completed,
          completed == 0 ? Double.NaN : (srv - jit) / completed,
          completed == 0 ? Double.NaN : gen / completed,
          rs.stream().mapToDouble(Run::serverPeakRssMiB).max().orElse(-1));
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SideBySide()).execute(args));
  }
}
