package dev.sundial.examples.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition (never a fixed sleep): polls it until it holds or the timeout passes. */
public final class Eventually {
  private Eventually() {}

  public static void await(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) return;
        last = null;
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      try {
        Thread.sleep(50); // the polling interval of the wait, not a wait for the condition
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
  }
}
