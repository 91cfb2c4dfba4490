package dev.sundial.compat.metrics;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own parsers, through tools/promcheck (Go): a scrape parsed as a Prometheus server
 * parses it, and the PromQL of dashboards parsed by Prometheus's PromQL parser. Built once per
 * test JVM into target/.
 */
public final class PromCheck {
  private static final Path SOURCE = Paths.get("..", "tools", "promcheck").toAbsolutePath().normalize();
  private static final Path BINARY = Paths.get("target", "promcheck").toAbsolutePath();
  private static boolean built;

  private PromCheck() {}

  /** One parsed sample: its labels and value (histograms: count, sum and buckets by le). */
  public record Sample(Map<String, String> labels, double value, long count, double sum,
      Map<String, Long> buckets) {
    public boolean has(Map<String, String> wanted) {
      return labels.entrySet().containsAll(wanted.entrySet());
    }
  }

  /** A parsed metric family: Prometheus's type (COUNTER, GAUGE, HISTOGRAM, ...) and samples. */
  public record Family(String name, String type, List<Sample> samples) {}

  /** The sum of a family's samples that carry these labels (name, value, ...); 0 when none. */
  public static double value(Map<String, Family> scrape, String family, String... labels) {
    Family f = scrape.get(family);
    if (f == null) return 0;
    Map<String, String> wanted = labels(labels);
    return f.samples().stream().filter(s -> s.has(wanted)).mapToDouble(Sample::value).sum();
  }

  /** Labels from name, value, name, value, ... */
  public static Map<String, String> labels(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  /** A scrape as Prometheus reads it, by family name; fails the test if it does not parse. */
  public static Map<String, Family> parse(String scrape) throws Exception {
    Path file = Files.createTempFile("scrape", ".txt");
    try {
      Files.writeString(file, scrape);
      Map<String, Family> families = new HashMap<>();
      for (JsonElement e : run("scrape", file.toString()).getAsJsonArray()) {
        JsonObject f = e.getAsJsonObject();
        List<Sample> samples = new ArrayList<>();
        for (JsonElement s : f.getAsJsonArray("samples")) {
          JsonObject o = s.getAsJsonObject();
          Map<String, String> labels = new HashMap<>();
          o.getAsJsonObject("labels").entrySet().forEach(l -> labels.put(l.getKey(), l.getValue().getAsString()));
          Map<String, Long> buckets = new HashMap<>();
          if (o.has("buckets")) {
            o.getAsJsonObject("buckets").entrySet().forEach(b -> buckets.put(b.getKey(), b.getValue().getAsLong()));
          }
          samples.add(new Sample(labels, o.has("value") ? o.get("value").getAsDouble() : Double.NaN,
              o.has("count") ? o.get("count").getAsLong() : 0, o.has("sum") ? o.get("sum").getAsDouble() : 0,
              buckets));
        }
        families.put(f.get("name").getAsString(), new Family(f.get("name").getAsString(),
            f.get("type").getAsString(), samples));
      }
      return families;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Every PromQL expression of the dashboards: its parse error (or null) and metric names. */
  static JsonArray expressions(Path... dashboards) throws Exception {
    List<String> args = new ArrayList<>(List.of("exprs"));
    for (Path d : dashboards) args.add(d.toAbsolutePath().toString());
    return run(args.toArray(String[]::new)).getAsJsonArray();
  }

  private static synchronized void build() throws IOException, InterruptedException {
    if (built) return;
    Process p = new ProcessBuilder("go", "build", "-o", BINARY.toString(), ".")
        .directory(SOURCE.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("go build of tools/promcheck failed:\n" + out);
    }
    built = true;
  }

  private static JsonElement run(String... args) throws Exception {
    build();
    List<String> command = new ArrayList<>(List.of(BINARY.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("promcheck " + String.join(" ", args) + " failed:\n" + out);
    }
    return JsonParser.parseString(out);
  }
}
