package dev.sundial.engine.matching;

import java.util.Arrays;

/**
 * Events per second over roughly the last minute, for task queue statistics: counts in
 * {@link #BUCKETS} buckets of {@link #BUCKET_MILLIS} each, the oldest dropped as time moves on.
 */
final class RateCounter {
  static final int BUCKETS = 6;
  static final long BUCKET_MILLIS = 10_000;

  private final long[] counts = new long[BUCKETS];
  private long currentBucket = Long.MIN_VALUE;

  synchronized void record(long nowMillis) {
    advance(nowMillis);
    counts[(int) Math.floorMod(currentBucket, (long) BUCKETS)]++;
  }

  /** The rate over the last minute (or since the first event, if that is more recent). */
  synchronized float perSecond(long nowMillis) {
    advance(nowMillis);
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return total / (BUCKETS * BUCKET_MILLIS / 1000f);
  }

  private void advance(long nowMillis) {
    long bucket = Math.floorDiv(nowMillis, BUCKET_MILLIS);
    if (currentBucket == Long.MIN_VALUE || bucket - currentBucket >= BUCKETS) {
      Arrays.fill(counts, 0);
    } else {
      for (long b = currentBucket + 1; b <= bucket; b++) {
        counts[(int) Math.floorMod(b, (long) BUCKETS)] = 0;
      }
    }
    if (bucket > currentBucket) {
      currentBucket = bucket;
    }
  }
}
