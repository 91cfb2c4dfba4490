package dev.sundial.engine.visibility;

import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SystemField;
import dev.sundial.persistence.visibility.VisibilityStore;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The search attributes each namespace knows: Temporal's system attributes (columns of every
 * visibility row), the predefined Temporal* attributes, and the custom attributes registered per
 * namespace with OperatorService AddSearchAttributes. Custom attributes are stored in the
 * {@code search_attributes} table (namespace id, name, type) and cached here; every change goes
 * through this registry.
 */
public final class SearchAttributeRegistry {

  /** System attributes: set by the server, queryable, never settable by users. */
  public static final Map<String, SaType> SYSTEM;

  /**
   * Predefined attributes users (and SDKs, schedules, batch jobs) may set: kept in the search
   * attribute document like custom ones.
   */
  public static final Map<String, SaType> PREDEFINED;

  /** Predefined attributes that only the server may set (queryable, reported by GetSearchAttributes). */
  public static final Map<String, SaType> PREDEFINED_INTERNAL;

  /** Names that can never be custom attributes, besides the above and the "Temporal" prefix. */
  private static final Set<String> RESERVED =
      Set.of("NamespaceId", "Memo", "MemoEncoding", "VisibilityTaskKey");

  static {
    Map<String, SaType> system = new LinkedHashMap<>();
    for (SystemField f : SystemField.values()) {
      if (f != SystemField.NAMESPACE_DIVISION) {
        system.put(f.attributeName(), f.type());
      }
    }
    SYSTEM = Collections.unmodifiableMap(system);
    Map<String, SaType> predefined = new LinkedHashMap<>();
    predefined.put("TemporalChangeVersion", SaType.KEYWORD_LIST);
    predefined.put("BinaryChecksums", SaType.KEYWORD_LIST);
    predefined.put("BuildIds", SaType.KEYWORD_LIST);
    predefined.put("BatcherNamespace", SaType.KEYWORD);
    predefined.put("BatcherUser", SaType.KEYWORD);
    predefined.put("TemporalScheduledStartTime", SaType.DATETIME);
    predefined.put("TemporalScheduledById", SaType.KEYWORD);
    predefined.put("TemporalSchedulePaused", SaType.BOOL);
    predefined.put(SystemField.NAMESPACE_DIVISION.attributeName(), SaType.KEYWORD);
    predefined.put("TemporalPauseInfo", SaType.KEYWORD_LIST);
    predefined.put("TemporalReportedProblems", SaType.KEYWORD_LIST);
    PREDEFINED = Collections.unmodifiableMap(predefined);
    Map<String, SaType> internal = new LinkedHashMap<>();
    internal.put("TemporalWorkerDeploymentVersion", SaType.KEYWORD);
    internal.put("TemporalWorkflowVersioningBehavior", SaType.KEYWORD);
    internal.put("TemporalWorkerDeployment", SaType.KEYWORD);
    internal.put("TemporalUsedWorkerDeploymentVersions", SaType.KEYWORD_LIST);
    PREDEFINED_INTERNAL = Collections.unmodifiableMap(internal);
  }

  private final VisibilityStore store;
  private final Map<String, Map<String, SaType>> custom = new ConcurrentHashMap<>();

  public SearchAttributeRegistry(VisibilityStore store) {
    this.store = store;
    store.loadSearchAttributes().forEach((ns, m) -> custom.put(ns, Collections.unmodifiableMap(new TreeMap<>(m))));
  }

  /** Re-reads the custom attributes from the store (cluster: changes made by other nodes). */
  public synchronized void refresh() {
    Map<String, Map<String, SaType>> fresh = new HashMap<>();
    store.loadSearchAttributes()
        .forEach((ns, m) -> fresh.put(ns, Collections.unmodifiableMap(new TreeMap<>(m))));
    custom.keySet().retainAll(fresh.keySet());
    custom.putAll(fresh);
  }

  /** True for names a user may not register: system, predefined, reserved, or Temporal-prefixed. */
  public static boolean isReserved(String name) {
    return SYSTEM.containsKey(name)
        || PREDEFINED.containsKey(name)
        || PREDEFINED_INTERNAL.containsKey(name)
        || RESERVED.contains(name)
        || name.startsWith("Temporal");
  }

  /** The namespace's custom attributes, by name (sorted). */
  public Map<String, SaType> custom(String namespaceId) {
    return custom.getOrDefault(namespaceId, Map.of());
  }

  /** Every namespace's custom attributes merged (GetSearchAttributes has no namespace). */
  public Map<String, SaType> allCustom() {
    Map<String, SaType> all = new TreeMap<>();
    custom.values().forEach(all::putAll);
    return all;
  }

  /** The type of an attribute a query may use in this namespace (custom first), or null. */
  public SaType queryable(String namespaceId, String name) {
    SaType t = custom(namespaceId).get(name);
    if (t != null) return t;
    t = SYSTEM.get(name);
    if (t != null) return t;
    t = PREDEFINED.get(name);
    return t != null ? t : PREDEFINED_INTERNAL.get(name);
  }

  /** The type of an attribute a workflow may set in this namespace, or null. */
  public SaType settable(String namespaceId, String name) {
    SaType t = custom(namespaceId).get(name);
    return t != null ? t : PREDEFINED.get(name);
  }

  /** Registers (or retypes) custom attributes; the caller has checked the names. */
  public synchronized void add(String namespaceId, Map<String, SaType> attributes) {
    if (attributes.isEmpty()) return;
    store.addSearchAttributes(namespaceId, attributes);
    Map<String, SaType> next = new TreeMap<>(custom(namespaceId));
    next.putAll(attributes);
    custom.put(namespaceId, Collections.unmodifiableMap(next));
  }

  /** Forgets custom attributes; values already stored on executions stay (as in Temporal). */
  public synchronized void remove(String namespaceId, Collection<String> names) {
    if (names.isEmpty()) return;
    store.removeSearchAttributes(namespaceId, names);
    Map<String, SaType> next = new TreeMap<>(custom(namespaceId));
    names.forEach(next::remove);
    custom.put(namespaceId, Collections.unmodifiableMap(next));
  }
}
