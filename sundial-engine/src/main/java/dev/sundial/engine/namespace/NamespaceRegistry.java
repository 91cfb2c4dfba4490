package dev.sundial.engine.namespace;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.NamespaceNotFoundException;
import dev.sundial.engine.state.Durations;
import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.NamespaceRecord;
import dev.sundial.persistence.NamespaceStore;
import io.temporal.api.enums.v1.NamespaceState;
import io.temporal.api.namespace.v1.NamespaceConfig;
import io.temporal.api.namespace.v1.NamespaceInfo;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Namespaces, cached in memory and written through to the store. A namespace is stored as the
 * DescribeNamespaceResponse it is described by, so every field Temporal exposes round-trips.
 */
public final class NamespaceRegistry {
  public static final String DEFAULT = "default";
  private static final long DEFAULT_RETENTION_MILLIS = 24L * 3600 * 1000;

  /**
   * Temporal's smallest retention for a (local) namespace, its {@code
   * system.namespaceMinRetentionLocal}: one hour. Tests may lower it with {@link
   * #setMinRetention} (Sundial.Builder#minRetention) or the {@code sundial.minRetention} system
   * property (e.g. {@code 1s}, {@code 500ms}, {@code PT1S}).
   */
  public static final long TEMPORAL_MIN_RETENTION_MILLIS = 3600L * 1000;

  public static final String MIN_RETENTION_PROPERTY = "sundial.minRetention";

  private final NamespaceStore store;
  private volatile long minRetentionMillis = minRetentionFromSystemProperty();
  private final Map<String, Entry> byName = new ConcurrentHashMap<>();
  private final Map<String, Entry> byId = new ConcurrentHashMap<>();

  /** A namespace and its stored version. */
  public record Entry(String id, String name, long version, DescribeNamespaceResponse description) {}

  public NamespaceRegistry(NamespaceStore store) {
    this.store = store;
    for (NamespaceRecord r : store.listNamespaces()) {
      cache(r);
    }
  }

  /** Set in cluster mode: another node may have registered a namespace this one has not seen. */
  private volatile boolean shared;

  public void setShared(boolean shared) {
    this.shared = shared;
  }

  /** Re-reads every namespace from the store (cluster: changes made by other nodes). */
  public void refresh() {
    for (NamespaceRecord r : store.listNamespaces()) {
      Entry known = byId.get(r.id());
      if (known == null || known.version() < r.version()) {
        synchronized (this) {
          Entry old = byId.get(r.id());
          if (old != null && !old.name().equals(r.name())) {
            byName.remove(old.name(), old);
          }
          cache(r);
        }
      }
    }
  }

  public synchronized void ensure(String name) {
    if (!byName.containsKey(name)) { // register() re-reads the store first when shared
      try {
        register(name,
            NamespaceInfo.newBuilder().setName(name).build(),
            NamespaceConfig.newBuilder()
                .setWorkflowExecutionRetentionTtl(Durations.ofMillis(DEFAULT_RETENTION_MILLIS))
                .build());
      } catch (EngineException e) {
        if (e.code() != EngineException.Code.ALREADY_EXISTS) throw e;
        refresh(); // another node registered it at the same moment
      }
    }
  }

  /** The smallest retention RegisterNamespace / UpdateNamespace accept, in millis. */
  public long minRetentionMillis() {
    return minRetentionMillis;
  }

  /** Lowers (or raises) the smallest accepted retention; for tests (Sundial.Builder#minRetention). */
  public void setMinRetention(Duration min) {
    if (min == null || min.isNegative()) {
      throw new IllegalArgumentException("minimum retention must not be negative: " + min);
    }
    this.minRetentionMillis = min.toMillis();
  }

  /**
   * The retention of closed runs of a namespace, in millis, as configured now; 0 when the
   * namespace is unknown or has none.
   */
  public long retentionMillis(String namespaceId) {
    Entry e = byId.get(namespaceId);
    if (e == null || !e.description().getConfig().hasWorkflowExecutionRetentionTtl()) {
      return 0;
    }
    return Math.max(0, Durations.toMillis(e.description().getConfig().getWorkflowExecutionRetentionTtl()));
  }

  /** Whether a namespace of that name is known here now (no database read: for metrics). */
  public boolean knows(String name) {
    return byName.containsKey(name);
  }

  /** The namespace's name (for metrics and logs), or the id itself when it is not known here. */
  public String nameOf(String namespaceId) {
    Entry e = byId.get(namespaceId);
    return e == null ? namespaceId : e.name();
  }

  /**
   * Parses a duration such as {@code 1s}, {@code 250ms}, {@code 2m}, {@code 1h}, {@code 1d} or an
   * ISO-8601 {@code PT1S}; IllegalArgumentException otherwise.
   */
  public static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      }
      String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}, {"d", "86400000"}};
      for (String[] u : units) {
        if (t.endsWith(u[0]) && !(u[0].equals("s") && t.endsWith("ms"))) {
          double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()).trim());
          return Duration.ofMillis(Math.round(v * Long.parseLong(u[1])));
        }
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "not a duration: '" + text + "' (expected e.g. 1s, 500ms, 2h, 1d or PT1S)");
  }

  private static long minRetentionFromSystemProperty() {
    String v = System.getProperty(MIN_RETENTION_PROPERTY);
    if (v == null || v.isBlank()) {
      return TEMPORAL_MIN_RETENTION_MILLIS;
    }
    return parseDuration(v).toMillis();
  }

  /**
   * The namespace to use by name. A deleted one (renamed "-deleted-", its workflows being
   * reclaimed) refuses every use with FAILED_PRECONDITION, as Temporal's invalid state.
   */
  public Entry byName(String name) {
    Entry e = anyStateByName(name);
    if (e.description().getNamespaceInfo().getState() == NamespaceState.NAMESPACE_STATE_DELETED) {
      throw new EngineException(EngineException.Code.FAILED_PRECONDITION,
          "Namespace has invalid state: Deleted. Must be Registered or Deprecated.");
    }
    return e;
  }

  /** The namespace by name whatever its state (DescribeNamespace shows deleted ones too). */
  public Entry anyStateByName(String name) {
    Entry e = byName.get(name);
    if (e == null && shared) {
      refresh();
      e = byName.get(name);
    }
    if (e == null) {
      throw new NamespaceNotFoundException(name);
    }
    return e;
  }

  /**
   * Marks a namespace deleted and renames it {@code <name>-deleted-<5 characters>}, as Temporal
   * does, so the name is free at once; its workflows are reclaimed afterwards. The default
   * namespace cannot be deleted (Sundial recreates and relies on it).
   */
  public synchronized Entry markDeleted(String name) {
    if (shared) {
      refresh();
    }
    if (name.equals(DEFAULT)) {
      throw EngineException.invalidArgument("The default namespace cannot be deleted.");
    }
    Entry current = byName(name);
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 5);
    String newName = name + "-deleted-" + suffix;
    DescribeNamespaceResponse.Builder d = current.description().toBuilder();
    d.getNamespaceInfoBuilder().setName(newName).setState(NamespaceState.NAMESPACE_STATE_DELETED);
    NamespaceRecord r =
        new NamespaceRecord(current.id(), newName, current.version() + 1, d.build().toByteArray());
    store.updateNamespace(r, current.version());
    byName.remove(name);
    return cache(r);
  }

  public Entry byId(String id) {
    Entry e = byId.get(id);
    if (e == null && shared) {
      refresh();
      e = byId.get(id);
    }
    if (e == null) {
      throw EngineException.notFound("Namespace id " + id + " is not found.");
    }
    return e;
  }

  public List<Entry> list() {
    List<Entry> all = new ArrayList<>(byName.values());
    all.sort(Comparator.comparing(Entry::name));
    return all;
  }

  /**
   * Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 255 characters:
   * names end up in URLs (the UI, the HTTP API) and, later, file paths. Temporal's own server
   * checks only the length; Sundial is stricter so that no name needs escaping anywhere.
   */
  static final Pattern VALID_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  /** Names Temporal keeps for itself. */
  static final Set<String> RESERVED = Set.of("temporal-system");

  /** Why a new namespace may not have this name, or null when it may. */
  static String nameProblem(String name, Collection<String> existing) {
    if (name.isEmpty()) return "Namespace is not set on request.";
    if (name.length() > 255) return "Namespace length exceeds limit of 255.";
    if (!VALID_NAME.matcher(name).matches()) {
      return "Namespace name \"" + printable(name) + "\" is invalid: use letters, digits, '.', '_'"
          + " and '-', starting with a letter or digit.";
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      return "Namespace name \"" + name + "\" is reserved.";
    }
    for (String other : existing) {
      if (!other.equals(name) && other.equalsIgnoreCase(name)) {
        return "Namespace name \"" + name + "\" differs from the existing namespace \"" + other
            + "\" only in case.";
      }
    }
    return null;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(s.length(), 80); i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }

  public synchronized Entry register(String name, NamespaceInfo info, NamespaceConfig config) {
    if (shared) {
      refresh();
    }
    if (byName.containsKey(name)) {
      throw new EngineException(
          EngineException.Code.ALREADY_EXISTS, "Namespace already exists: " + name);
    }
    String problem = nameProblem(name, byName.keySet());
    if (problem != null) {
      throw EngineException.invalidArgument(problem);
    }
    String id = UUID.randomUUID().toString();
    DescribeNamespaceResponse d =
        DescribeNamespaceResponse.newBuilder()
            .setNamespaceInfo(
                info.toBuilder()
                    .setName(name)
                    .setId(id)
                    .setState(NamespaceState.NAMESPACE_STATE_REGISTERED))
            .setConfig(config)
            .setFailoverVersion(0)
            .setIsGlobalNamespace(false)
            .build();
    NamespaceRecord r = new NamespaceRecord(id, name, 1, d.toByteArray());
    try {
      store.createNamespace(r);
    } catch (ConflictException e) {
      throw new EngineException(
          EngineException.Code.ALREADY_EXISTS, "Namespace already exists: " + name);
    }
    return cache(r);
  }

  public synchronized Entry update(String name, DescribeNamespaceResponse updated) {
    if (shared) {
      refresh();
    }
    Entry current = byName(name);
    NamespaceRecord r =
        new NamespaceRecord(current.id(), name, current.version() + 1, updated.toByteArray());
    store.updateNamespace(r, current.version());
    return cache(r);
  }

  private Entry cache(NamespaceRecord r) {
    DescribeNamespaceResponse d;
    try {
      d = DescribeNamespaceResponse.parseFrom(r.info());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt namespace record " + r.name(), e);
    }
    Entry e = new Entry(r.id(), r.name(), r.version(), d);
    byName.put(r.name(), e);
    byId.put(r.id(), e);
    return e;
  }
}
