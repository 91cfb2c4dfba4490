package dev.sundial.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes a registry's meters in the Prometheus text format (version 0.0.4) the way Temporal's
 * server does, so that its dashboards and alerts read them unchanged: counters under their own
 * name (no {@code _total}), timers as histograms in seconds ({@code _bucket}, {@code _sum}, {@code
 * _count}, no unit suffix), gauges as they are. Micrometer's own Prometheus registry would rename
 * every counter {@code x_total} and every timer {@code x_seconds}. Meters from Micrometer's
 * binders (JVM, process) keep Prometheus's usual unit suffix ({@code jvm_memory_used_bytes}).
 */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  public static String write(MeterRegistry registry) {
    Map<String, List<Meter>> families = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      families.computeIfAbsent(name(m), k -> new ArrayList<>()).add(m);
    }
    StringBuilder out = new StringBuilder(64 * 1024);
    families.forEach((name, meters) -> family(out, name, meters));
    return out.toString();
  }

  private static void family(StringBuilder out, String name, List<Meter> meters) {
    Meter first = meters.get(0);
    String type = type(first);
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (Meter m : meters) {
      List<Tag> tags = m.getId().getTags();
      if (m instanceof Counter c) {
        sample(out, name, tags, null, c.count());
      } else if (m instanceof FunctionCounter c) {
        sample(out, name, tags, null, c.count());
      } else if (m instanceof TimeGauge g) {
        sample(out, name, tags, null, g.value(TimeUnit.SECONDS));
      } else if (m instanceof Gauge g) {
        sample(out, name, tags, null, g.value());
      } else if (m instanceof Timer t) {
        distribution(out, name, tags, t.takeSnapshot(), true);
      } else if (m instanceof DistributionSummary d) {
        distribution(out, name, tags, d.takeSnapshot(), false);
      } else if (m instanceof FunctionTimer t) {
        sample(out, name + "_count", tags, null, t.count());
        sample(out, name + "_sum", tags, null, t.totalTime(TimeUnit.SECONDS));
      } else if (m instanceof LongTaskTimer t) {
        sample(out, name + "_active_count", tags, null, t.activeTasks());
        sample(out, name + "_duration_sum", tags, null, t.duration(TimeUnit.SECONDS));
      } else {
        for (Measurement measurement : m.measure()) {
          sample(out, name + "_" + measurement.getStatistic().getTagValueRepresentation(), tags,
              null, measurement.getValue());
        }
      }
    }
  }

  private static void distribution(StringBuilder out, String name, List<Tag> tags,
      HistogramSnapshot s, boolean seconds) {
    CountAtBucket[] buckets = s.histogramCounts();
    for (CountAtBucket b : buckets) {
      double bound = seconds ? b.bucket(TimeUnit.SECONDS) : b.bucket();
      sample(out, name + "_bucket", tags, number(bound), b.count());
    }
    if (buckets.length > 0) {
      sample(out, name + "_bucket", tags, "+Inf", s.count());
    }
    sample(out, name + "_sum", tags, null, seconds ? s.total(TimeUnit.SECONDS) : s.total());
    sample(out, name + "_count", tags, null, s.count());
  }

  private static String type(Meter m) {
    if (m instanceof Counter || m instanceof FunctionCounter) return "counter";
    if (m instanceof Gauge) return "gauge";
    if ((m instanceof Timer t && t.takeSnapshot().histogramCounts().length > 0)
        || (m instanceof DistributionSummary d && d.takeSnapshot().histogramCounts().length > 0)) {
      return "histogram";
    }
    if (m instanceof Timer || m instanceof DistributionSummary || m instanceof FunctionTimer) {
      return "summary";
    }
    return "untyped";
  }

  /** The exported name: dots become underscores; binders' units become suffixes. */
  static String name(Meter m) {
    String name = sanitize(m.getId().getName());
    String unit = m.getId().getBaseUnit();
    boolean suffixed = !(m instanceof Timer) && !(m instanceof DistributionSummary)
        && m.getId().getName().contains(".") && unit != null && !unit.isEmpty();
    if (m instanceof TimeGauge && m.getId().getName().contains(".")) {
      unit = "seconds";
      suffixed = true;
    }
    if (suffixed) {
      String suffix = "_" + sanitize(unit);
      if (!name.endsWith(suffix)) name += suffix;
    }
    if ((m instanceof Counter || m instanceof FunctionCounter) && m.getId().getName().contains(".")
        && !name.endsWith("_total")) {
      name += "_total"; // binders' counters, as Prometheus names them; Temporal's have none
    }
    return name;
  }

  private static void sample(StringBuilder out, String name, List<Tag> tags, String le, double value) {
    out.append(name);
    if (!tags.isEmpty() || le != null) {
      out.append('{');
      boolean first = true;
      for (Tag t : tags) {
        if (!first) out.append(',');
        first = false;
        out.append(sanitize(t.getKey())).append("=\"");
        escape(out, t.getValue());
        out.append('"');
      }
      if (le != null) {
        if (!first) out.append(',');
        out.append("le=\"").append(le).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(number(value)).append('\n');
  }

  private static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  private static void escape(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
  }

  private static String sanitize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
          || (i > 0 && c >= '0' && c <= '9');
      b.append(ok ? c : '_');
    }
    return b.toString();
  }
}
