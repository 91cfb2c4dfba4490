package dev.sundial.server.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Roles as operators write them: {@code "<namespace>:<read|worker|write|admin>"}, with
 * {@code system} (or Temporal's {@code temporal-system}) as the namespace of the system role.
 * The strongest role wins when a namespace is named twice.
 */
public record Grants(Role system, Map<String, Role> namespaces) {
  public static final String SYSTEM = "system";

  public Grants {
    namespaces = Map.copyOf(namespaces);
  }

  /** Parses grants; IllegalArgumentException naming the one that is not "namespace:role". */
  public static Grants parse(Collection<String> texts) {
    Role system = null;
    Map<String, Role> roles = new HashMap<>();
    for (String text : texts) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException(
            "a role is <namespace>:<read|worker|write|admin> or system:<role>, not '" + text + "'");
      }
      Role role = Role.parse(text.substring(colon + 1));
      String namespace = text.substring(0, colon).strip();
      if (namespace.equals(SYSTEM) || namespace.equals(JwtAuthenticator.SYSTEM)) {
        system = stronger(system, role);
      } else {
        roles.merge(namespace, role, Grants::stronger);
      }
    }
    return new Grants(system, roles);
  }

  private static Role stronger(Role a, Role b) {
    return a == null || b.compareTo(a) > 0 ? b : a;
  }

  /** Grants stored as one comma-separated text (API keys, users). */
  public static Grants parseStored(String text) {
    return parse(text.isEmpty() ? List.of() : Arrays.asList(text.split(",")));
  }

  public Principal principal(String subject, String authType) {
    return new Principal(subject, authType, system, namespaces);
  }

  /** The grants written back, system first, then namespaces by name. */
  public List<String> texts() {
    List<String> out = new ArrayList<>();
    if (system != null) out.add(SYSTEM + ":" + system.name().toLowerCase(Locale.ROOT));
    namespaces.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.add(e.getKey() + ":" + e.getValue().name().toLowerCase(Locale.ROOT)));
    return out;
  }
}
