package dev.sundial.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** UI sessions end when idle, when too old, at sign-out, and when their credentials stop working. */
class SessionsTest {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final Sessions sessions = new Sessions(now::get);
  final Principal alice = Grants.parse(List.of("orders:read")).principal("alice", "password");

  void advance(long amount, TimeUnit unit) {
    now.addAndGet(unit.toNanos(amount));
  }

  @Test
  void aSessionSpeaksForItsPrincipalUntilSignOut() {
    String id = sessions.create(alice, () -> alice);
    assertThat(id).hasSizeGreaterThanOrEqualTo(43);
    assertThat(sessions.lookup(id)).isEqualTo(alice);
    assertThat(sessions.lookup("guess")).isNull();
    assertThat(sessions.lookup(null)).isNull();
    sessions.end(id);
    assertThat(sessions.lookup(id)).isNull();
  }

  @Test
  void revokedCredentialsEndTheSessionAtTheNextCheck() {
    AtomicBoolean revoked = new AtomicBoolean();
    String id = sessions.create(alice, () -> {
      if (revoked.get()) throw new InvalidCredentialsException("revoked");
      return alice;
    });
    revoked.set(true);
    advance(10, TimeUnit.SECONDS);
    assertThat(sessions.lookup(id)).isEqualTo(alice); // checked again only every 30 s
    advance(25, TimeUnit.SECONDS);
    assertThat(sessions.lookup(id)).isNull();
  }

  @Test
  void idleAndOldSessionsEnd() {
    String idle = sessions.create(alice, () -> alice);
    String busy = sessions.create(alice, () -> alice);
    for (int i = 0; i < 23; i++) {
      advance(1, TimeUnit.HOURS);
      assertThat(sessions.lookup(busy)).isEqualTo(alice);
    }
    assertThat(sessions.lookup(idle)).isNull(); // 8 hours without use
    advance(2, TimeUnit.HOURS);
    assertThat(sessions.lookup(busy)).isNull(); // 24 hours old
  }
}
