package dev.sundial.server.security;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;

/**
 * Who makes a call, once authenticated: a subject, how it was authenticated, a system role
 * (on every namespace and the cluster; null when none) and its roles per namespace.
 */
public record Principal(
    String subject, String authType, Role systemRole, Map<String, Role> namespaceRoles) {
  /** A caller that presented no credentials. */
  public static final Principal ANONYMOUS = new Principal("", "none", null, Map.of());
  /** Code running in the server's own process (an embedding application): trusted. */
  public static final Principal EMBEDDED = new Principal("embedded", "in-process", Role.ADMIN, Map.of());

  public Principal {
    namespaceRoles = Map.copyOf(namespaceRoles);
  }

  public boolean isAnonymous() {
    return authType.equals("none");
  }

  /** The strongest role the principal has on a namespace, or null. */
  public Role roleOn(String namespace) {
    Role own = namespaceRoles.get(namespace);
    if (systemRole == null) return own;
    if (own == null) return systemRole;
    return own.compareTo(systemRole) >= 0 ? own : systemRole;
  }

  /** Whether the principal may make a call with this rule on this namespace. */
  public boolean allows(RpcPolicy.Rule rule, String namespace) {
    return switch (rule.scope()) {
      case OPEN -> true;
      case AUTHENTICATED -> !isAnonymous();
      case CLUSTER -> systemRole != null && systemRole.grants(rule.access());
      case NAMESPACE -> {
        Role role = roleOn(namespace);
        yield role != null && role.grants(rule.access());
      }
    };
  }

  /** How a principal travels with a call it is already authenticated for (see PrincipalHeader). */
  String encode() {
    JsonObject o = new JsonObject();
    o.addProperty("sub", subject);
    o.addProperty("type", authType);
    if (systemRole != null) o.addProperty("system", systemRole.name());
    JsonObject ns = new JsonObject();
    namespaceRoles.forEach((name, role) -> ns.addProperty(name, role.name()));
    o.add("namespaces", ns);
    return o.toString();
  }

  static Principal decode(String text) {
    JsonObject o = JsonParser.parseString(text).getAsJsonObject();
    Map<String, Role> roles = new HashMap<>();
    o.getAsJsonObject("namespaces").entrySet()
        .forEach(e -> roles.put(e.getKey(), Role.valueOf(e.getValue().getAsString())));
    return new Principal(o.get("sub").getAsString(), o.get("type").getAsString(),
        o.has("system") ? Role.valueOf(o.get("system").getAsString()) : null, roles);
  }
}
