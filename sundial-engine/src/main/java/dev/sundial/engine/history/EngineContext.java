package dev.sundial.engine.history;

import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.visibility.SearchAttributeRegistry;

/** What transitions need beyond the state and the request: limits and namespace names. */
public final class EngineContext {
  public final NamespaceRegistry namespaces;
  public final Limits limits;

  /** Custom search attributes per namespace; null in isolated tests (then nothing is checked). */
  public final SearchAttributeRegistry searchAttributes;

  public EngineContext(NamespaceRegistry namespaces, Limits limits) {
    this(namespaces, limits, null);
  }

  public EngineContext(
      NamespaceRegistry namespaces,
      Limits limits,
      SearchAttributeRegistry searchAttributes) {
    this.namespaces = namespaces;
    this.limits = limits;
    this.searchAttributes = searchAttributes;
  }

  /** Enforced limits (see README). */
  public record Limits(
      int maxPayloadBytes,
      int maxPendingActivities,
      int maxHistoryEvents,
      long maxHistoryBytes,
      int warnHistoryEvents,
      long warnHistoryBytes,
      long longPollMillis) {
    public static Limits defaults() {
      return new Limits(
          2 * 1024 * 1024, 2000, 51_200, 50L * 1024 * 1024, 10_240, 10L * 1024 * 1024, 60_000);
    }
  }
}
