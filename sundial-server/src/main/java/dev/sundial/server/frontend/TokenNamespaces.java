package dev.sundial.server.frontend;

import com.google.protobuf.ByteString;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.namespace.NamespaceRegistry;

/**
 * Namespace isolation for task-token calls: a token names the namespace it was issued in, and a
 * request that also names a namespace must name that one (Temporal's token namespace
 * enforcement). An unknown request namespace is NOT_FOUND, as for every other call.
 */
final class TokenNamespaces {
  private TokenNamespaces() {}

  static void check(NamespaceRegistry namespaces, String namespace, ByteString token, int kind) {
    TaskToken t = TaskToken.decode(token, kind);
    if (namespace == null || namespace.isEmpty()) {
      return;
    }
    if (!namespaces.byName(namespace).id().equals(t.namespaceId())) {
      throw EngineException.invalidArgument(
          "Operation requested with a token from a different namespace.");
    }
  }
}
