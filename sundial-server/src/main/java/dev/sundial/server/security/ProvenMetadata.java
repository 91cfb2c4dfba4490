package dev.sundial.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * What Sundial itself puts into a call's metadata for the next hop (a principal, an origin):
 * text in an ASCII-safe form, trusted only beside a proof that callers outside cannot present.
 */
final class ProvenMetadata {
  private ProvenMetadata() {}

  static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The text; IllegalArgumentException when it is not encoded as {@link #encode} does. */
  static String decode(String encoded) {
    return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  /** Whether the proof presented is one of the secrets (in constant time for each). */
  static boolean proven(String presented, List<String> secrets) {
    if (presented == null) return false;
    byte[] bytes = presented.getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String secret : secrets) {
      if (secret != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII), bytes)) {
        ok = true;
      }
    }
    return ok;
  }
}
