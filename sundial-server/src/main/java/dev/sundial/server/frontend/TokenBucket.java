package dev.sundial.server.frontend;

/** A token bucket: refills at a steady rate, holds at most its burst. Thread-safe. */
final class TokenBucket {
  private final double ratePerSecond;
  private final double capacity;
  private double tokens;
  private long lastNanos = System.nanoTime();

  TokenBucket(double ratePerSecond, int burst) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = burst;
    this.tokens = burst;
  }

  /** Takes one token if there is one. */
  synchronized boolean take() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * ratePerSecond);
    lastNanos = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  }
}
