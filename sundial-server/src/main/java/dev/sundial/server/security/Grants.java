package dev.sundial.server.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Roles as operators write them: {@code "<namespace>:<read|worker|write|admin>"}, with
 * {@code system} (or Temporal's {@code temporal-system}) as the namespace of the system role.
 * The strongest role wins when a namespace is named twice.
 */
public record Grants(Role system, Map<String, Role> namespaces) {
  public static final String SYSTEM = "system";
  /** The namespace name Temporal's permissions use for the system role. */
  static final String TEMPORAL_SYSTEM = "temporal-system";

  public Grants {
    namespaces = Map.copyOf(namespaces);
  }

  /** Parses grants; IllegalArgumentException naming the one that is not "namespace:role". */
  public static Grants parse(Collection<String> texts) {
    return parse(texts, true, Set.of(SYSTEM, TEMPORAL_SYSTEM));
  }

  /**
   * Grants from a JWT's permissions, as Temporal's default claim mapper reads them: only
   * {@code temporal-system} names the system role, and a permission that is not
   * "namespace:role" is skipped, not an error.
   */
  static Grants parsePermissions(Collection<String> permissions) {
    return parse(permissions, false, Set.of(TEMPORAL_SYSTEM));
  }

  private static Grants parse(Collection<String> texts, boolean strict, Set<String> systemNames) {
    Role system = null;
    Map<String, Role> roles = new HashMap<>();
    for (String text : texts) {
      int colon = text.lastIndexOf(':');
      Role role;
      try {
        if (colon <= 0 || colon == text.length() - 1) {
          throw new IllegalArgumentException(
              "a role is <namespace>:<read|worker|write|admin> or system:<role>, not '" + text + "'");
        }
        role = Role.parse(text.substring(colon + 1));
      } catch (IllegalArgumentException e) {
        if (strict) throw e;
        continue;
      }
      String namespace = text.substring(0, colon).strip();
      if (systemNames.contains(namespace)) {
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
