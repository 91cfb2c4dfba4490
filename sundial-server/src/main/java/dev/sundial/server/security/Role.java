package dev.sundial.server.security;

import java.util.Locale;

/**
 * A caller's role on a namespace (or, as a system role, on all of them and on the cluster). Each
 * role grants the access of those before it: a worker also reads, a writer also runs workers.
 */
public enum Role {
  READ,
  WORKER,
  WRITE,
  ADMIN;

  /** Whether this role allows calls of that access kind. */
  public boolean grants(RpcPolicy.Access access) {
    return switch (access) {
      case READ -> true;
      case WORKER -> this != READ;
      case WRITE -> this == WRITE || this == ADMIN;
      case ADMIN -> this == ADMIN;
    };
  }

  /** {@code read}, {@code worker}, {@code write} or {@code admin}, as permissions spell them. */
  public static Role parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "role must be read, worker, write or admin but was '" + text + "'");
    }
  }
}
