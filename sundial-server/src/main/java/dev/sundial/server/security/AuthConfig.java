package dev.sundial.server.security;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which authentication methods a server accepts ({@code --auth api-key,jwt,mtls}) and their
 * settings: the JWT keys and claims, the certificate subject rules, and the file of a first admin
 * API key. Any mix of methods may be on; with none, authentication is off.
 */
public record AuthConfig(
    Set<Method> methods,
    JwtAuthenticator.Config jwt,
    List<String> certificateRoles,
    Path bootstrapAdminKeyFile) {

  public enum Method {
    API_KEY("api-key"),
    JWT("jwt"),
    MTLS("mtls");

    public final String flag;

    Method(String flag) {
      this.flag = flag;
    }

    /** {@code api-key}, {@code jwt} or {@code mtls}. */
    public static Method parse(String text) {
      for (Method m : values()) {
        if (m.flag.equals(text.strip())) return m;
      }
      throw new IllegalArgumentException(
          "--auth takes none or a comma list of api-key, jwt, mtls, not '" + text + "'");
    }
  }

  public AuthConfig {
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("name at least one authentication method");
    }
    methods = Set.copyOf(EnumSet.copyOf(methods));
    certificateRoles = List.copyOf(certificateRoles);
    if (methods.contains(Method.JWT) && jwt == null) {
      throw new IllegalArgumentException("--auth jwt needs --jwt-jwks-file, --jwt-jwks-url"
          + " or --jwt-hs256-secret-file");
    }
    if (!methods.contains(Method.MTLS) && !certificateRoles.isEmpty()) {
      throw new IllegalArgumentException("--mtls-role needs --auth mtls");
    }
    if (bootstrapAdminKeyFile != null && !methods.contains(Method.API_KEY)) {
      throw new IllegalArgumentException("--bootstrap-admin-key-file needs --auth api-key");
    }
  }

  /** API keys only, with an optional bootstrap admin key file. */
  public static AuthConfig apiKeys(Path bootstrapAdminKeyFile) {
    return new AuthConfig(Set.of(Method.API_KEY), null, List.of(), bootstrapAdminKeyFile);
  }

  public boolean has(Method m) {
    return methods.contains(m);
  }
}
