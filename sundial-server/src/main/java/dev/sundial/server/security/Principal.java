package dev.sundial.server.security;

import java.util.Map;

/**
 * Who makes a call, once authenticated: a subject, how it was authenticated, a system role
 * (on every namespace and the cluster; null when none) and its roles per namespace.
 */
public record Principal(
    String subject, String authType, Role systemRole, Map<String, Role> namespaceRoles) {
  public Principal {
    namespaceRoles = Map.copyOf(namespaceRoles);
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
      case OPEN, AUTHENTICATED -> true;
      case CLUSTER -> systemRole != null && systemRole.grants(rule.access());
      case NAMESPACE -> {
        Role role = roleOn(namespace);
        yield role != null && role.grants(rule.access());
      }
    };
  }
}
