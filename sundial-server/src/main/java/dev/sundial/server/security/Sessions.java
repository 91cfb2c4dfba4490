package dev.sundial.server.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Signed-in web UI sessions, kept in this server's memory: a random 256-bit id (the HttpOnly
 * cookie) for a principal. A session ends after 8 hours without use, 24 hours after it began, at
 * logout, or when its credentials stop being valid (checked again every 30 s: a revoked key or a
 * deleted user signs out). A restart signs everyone out.
 */
public final class Sessions {
  static final long IDLE_NANOS = TimeUnit.HOURS.toNanos(8);
  static final long MAX_AGE_NANOS = TimeUnit.HOURS.toNanos(24);
  static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final int MAX_SESSIONS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Authenticates the session's credentials again: the principal now, or why there is none. */
  @FunctionalInterface
  public interface Recheck {
    Principal principal() throws InvalidCredentialsException;
  }

  private static final class Session {
    final long createdNanos;
    final Recheck recheck;
    volatile Principal principal;
    volatile long usedNanos;
    volatile long checkedNanos;

    Session(Principal principal, Recheck recheck, long now) {
      this.principal = principal;
      this.recheck = recheck;
      this.createdNanos = now;
      this.usedNanos = now;
      this.checkedNanos = now;
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  public Sessions() {
    this(System::nanoTime);
  }

  /** With a clock of its own (tests). */
  Sessions(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** A new session for a principal; returns its id. */
  public String create(Principal principal, Recheck recheck) {
    if (sessions.size() >= MAX_SESSIONS) {
      long now = nanoTime.getAsLong();
      sessions.values().removeIf(s -> expired(s, now));
      if (sessions.size() >= MAX_SESSIONS) {
        sessions.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().usedNanos))
            .ifPresent(e -> sessions.remove(e.getKey()));
      }
    }
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String key = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    sessions.put(key, new Session(principal, recheck, nanoTime.getAsLong()));
    return key;
  }

  /** The principal of a live session, or null. */
  public Principal lookup(String id) {
    if (id == null) return null;
    Session s = sessions.get(id);
    long now = nanoTime.getAsLong();
    if (s == null) return null;
    if (expired(s, now)) {
      sessions.remove(id);
      return null;
    }
    if (now - s.checkedNanos > RECHECK_NANOS) {
      try {
        s.principal = s.recheck.principal();
        s.checkedNanos = now;
      } catch (InvalidCredentialsException e) {
        sessions.remove(id);
        return null;
      }
    }
    s.usedNanos = now;
    return s.principal;
  }

  public void end(String id) {
    if (id != null) sessions.remove(id);
  }

  private static boolean expired(Session s, long now) {
    return now - s.usedNanos > IDLE_NANOS || now - s.createdNanos > MAX_AGE_NANOS;
  }
}
