package dev.sundial.engine.schedule.spec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic jitter: the offset for a nominal time depends only on the seed (namespace and
 * schedule id) and that time, so recomputing it after a restart or for Describe gives the same
 * answer. Like Temporal it takes 32 bits of a hash and scales them onto [0, max) milliseconds;
 * the hash differs (SHA-256 here), so the exact offsets differ from a Temporal server's.
 */
public final class Jitter {
  private Jitter() {}

  public static long offsetMillis(String seed, long nominalEpochSecond, long maxJitterMillis) {
    if (maxJitterMillis <= 0) {
      return 0;
    }
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-256")
          .digest((nominalEpochSecond + "/" + seed).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long fp = ((h[0] & 0xffL) << 24) | ((h[1] & 0xffL) << 16) | ((h[2] & 0xffL) << 8) | (h[3] & 0xffL);
    long range = Math.min(maxJitterMillis, 0xffff_ffffL);
    return (fp * range) >>> 32;
  }
}
