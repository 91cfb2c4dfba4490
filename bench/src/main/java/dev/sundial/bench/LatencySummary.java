package dev.sundial.bench;

import java.util.Arrays;

/** Percentiles (nearest rank) over a set of latencies. */
record LatencySummary(int count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {

  static LatencySummary of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      return new LatencySummary(0, 0, 0, 0, 0);
    }
    return new LatencySummary(
        sorted.length,
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 95)),
        ms(percentile(sorted, 99)),
        ms(sorted[sorted.length - 1]));
  }

  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /** Collects samples from many client threads (for latencies besides the per-unit one). */
  static final class Recorder {
    private long[] nanos = new long[256];
    private int size;

    synchronized void add(long sampleNanos) {
      if (size == nanos.length) {
        nanos = Arrays.copyOf(nanos, size * 2);
      }
      nanos[size++] = sampleNanos;
    }

    synchronized LatencySummary summary() {
      return of(Arrays.copyOf(nanos, size));
    }
  }
}
