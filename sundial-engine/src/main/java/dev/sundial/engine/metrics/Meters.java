package dev.sundial.engine.metrics;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.CountingMode;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;

/**
 * Sundial's conventions for meters: Temporal's histogram buckets (its server's defaults for
 * milliseconds, dimensionless counts and bytes), so that dashboards written for Temporal read
 * Sundial's histograms the same way, and the registries Sundial records into.
 */
public final class Meters {
  private static final long[] MILLISECONDS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000,
      5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000};
  private static final double[] DIMENSIONLESS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000,
      5_000, 10_000, 20_000, 50_000, 100_000};
  private static final double[] BYTES = {1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072,
      262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216};
  private static final Duration[] LATENCY_BUCKETS =
      Arrays.stream(MILLISECONDS).mapToObj(Duration::ofMillis).toArray(Duration[]::new);

  private Meters() {}

  /** A registry that records nothing (when no one reads metrics). */
  public static MeterRegistry none() {
    return new CompositeMeterRegistry();
  }

  /**
   * The registry Sundial's own /metrics endpoint reads: counters and histograms count from the
   * start of the process (a scrape sees cumulative values, as Prometheus expects), never reset
   * or decayed in windows.
   */
  public static MeterRegistry cumulative() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry(new SimpleConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public CountingMode mode() {
        return CountingMode.CUMULATIVE;
      }
    }, io.micrometer.core.instrument.Clock.SYSTEM);
    // The simple registry also shows each histogram as gauges ("x.histogram" by "le"); the
    // histogram itself is what is exported.
    registry.config().meterFilter(MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE
        && (id.getName().endsWith(".histogram") || id.getName().endsWith(".percentile"))));
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        // One bucket set that never rotates: Prometheus histograms are cumulative.
        return DistributionStatisticConfig.builder()
            .expiry(Duration.ofDays(365 * 100)).bufferLength(1).build().merge(config);
      }
    });
    return registry;
  }

  /** A latency histogram with Temporal's millisecond buckets. */
  public static Timer latency(MeterRegistry registry, String name, Tags tags) {
    return Timer.builder(name).tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  /** A histogram of counts (batch sizes and the like) with Temporal's dimensionless buckets. */
  public static DistributionSummary counts(MeterRegistry registry, String name, Tags tags) {
    return DistributionSummary.builder(name).tags(tags).serviceLevelObjectives(DIMENSIONLESS)
        .register(registry);
  }

  /** A histogram of sizes in bytes with Temporal's byte buckets. */
  public static DistributionSummary bytes(MeterRegistry registry, String name, Tags tags) {
    return DistributionSummary.builder(name).tags(tags).baseUnit("bytes")
        .serviceLevelObjectives(BYTES).register(registry);
  }
}
