package dev.sundial.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule for listening beyond loopback: a listener other machines can reach runs only with TLS
 * and authentication, unless the operator accepts the risk explicitly ({@code --allow-insecure}).
 */
public final class Exposure {
  private Exposure() {}

  /** A listener: what it serves, and the address it binds to. */
  public record Listener(String name, String host, int port) {}

  /**
   * Throws IllegalStateException naming the exposed listeners and the flags that fix it, unless
   * every listener is on loopback or {@code allowInsecure} is set.
   */
  public static void check(
      List<Listener> listeners, boolean tls, boolean auth, boolean allowInsecure) {
    if (allowInsecure || (tls && auth)) {
      return;
    }
    List<String> exposed = new ArrayList<>();
    for (Listener l : listeners) {
      if (!isLoopback(l.host())) {
        exposed.add(l.name() + " on " + l.host() + ":" + l.port());
      }
    }
    if (exposed.isEmpty()) {
      return;
    }
    String missing = tls ? "authentication (--auth)"
        : auth ? "TLS (--tls-cert, --tls-key)"
        : "TLS (--tls-cert, --tls-key) and authentication (--auth)";
    throw new IllegalStateException("refusing to listen beyond loopback without " + missing + ": "
        + String.join(", ", exposed) + ". Bind to 127.0.0.1, or pass --allow-insecure to run"
        + " unprotected anyway.");
  }

  static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false; // the wildcard address
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false; // binding will fail and say why
    }
  }
}
