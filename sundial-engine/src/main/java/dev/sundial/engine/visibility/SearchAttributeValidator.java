package dev.sundial.engine.visibility;

import dev.sundial.engine.api.EngineException;
import dev.sundial.persistence.visibility.SaType;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks search attributes a client or workflow wants to set (start, signal-with-start, child
 * start, continue-as-new, upsert) against the namespace's registry, with Temporal's messages and
 * limits, and returns them with the registered type in each payload's "type" metadata (so every
 * SDK can decode them back).
 */
public final class SearchAttributeValidator {
  /** Temporal's defaults: keys per execution, bytes per value, bytes in all. */
  public static final int MAX_KEYS = 100;
  public static final int MAX_VALUE_BYTES = 2 * 1024;
  public static final int MAX_TOTAL_BYTES = 40 * 1024;

  private SearchAttributeValidator() {}

  /**
   * The valid attributes of a start, {@link #typed} (values that unset an attribute dropped: a
   * start has nothing to unset); INVALID_ARGUMENT naming the attribute otherwise.
   */
  public static SearchAttributes validate(
      SearchAttributeRegistry registry, String namespaceId, String namespaceName,
      SearchAttributes attributes) {
    String error = check(registry, namespaceId, namespaceName, attributes);
    if (error != null) {
      throw EngineException.invalidArgument(error);
    }
    return typed(registry, namespaceId, attributes, false);
  }

  /**
   * Temporal's rule for the payloads it hands back: as the client sent them, except that one
   * declaring no type gets its registered type in the "type" metadata. (A Keyword sent for a Text
   * attribute stays a Keyword; visibility indexes it as Text all the same.) {@code keepNil}:
   * whether values that unset an attribute are kept (upserts) or dropped.
   */
  public static SearchAttributes typed(
      SearchAttributeRegistry registry, String namespaceId, SearchAttributes attributes,
      boolean keepNil) {
    if (attributes == null || attributes.getIndexedFieldsCount() == 0 || registry == null) {
      return attributes;
    }
    SearchAttributes.Builder b = SearchAttributes.newBuilder();
    for (var e : attributes.getIndexedFieldsMap().entrySet()) {
      Payload p = e.getValue();
      if (SearchAttributePayloads.isNil(p)) {
        if (keepNil) b.putIndexedFields(e.getKey(), p);
        continue;
      }
      SaType type = SearchAttributePayloads.declaredType(p) == null
          ? registry.settable(namespaceId, e.getKey())
          : null;
      b.putIndexedFields(e.getKey(), type == null ? p : SearchAttributePayloads.withType(p, type));
    }
    return b.build();
  }

  /** Why the attributes cannot be set, or null when they can. */
  public static String check(
      SearchAttributeRegistry registry, String namespaceId, String namespaceName,
      SearchAttributes attributes) {
    if (attributes == null || attributes.getIndexedFieldsCount() == 0) {
      return null;
    }
    if (registry == null) {
      return null; // no registry (isolated engine tests): accept as given
    }
    Map<String, Payload> fields = attributes.getIndexedFieldsMap();
    if (fields.size() > MAX_KEYS) {
      return "number of search attributes " + fields.size() + " exceeds limit " + MAX_KEYS;
    }
    for (var e : new TreeMap<>(fields).entrySet()) {
      String name = e.getKey();
      Payload p = e.getValue();
      if (SearchAttributeRegistry.SYSTEM.containsKey(name)
          || SearchAttributeRegistry.PREDEFINED_INTERNAL.containsKey(name)) {
        return name + " attribute can't be set in SearchAttributes";
      }
      SaType type = registry.settable(namespaceId, name);
      if (type == null) {
        return "Namespace " + namespaceName + " has no mapping defined for search attribute "
            + name;
      }
      try {
        SearchAttributePayloads.decode(p, type);
      } catch (IllegalArgumentException ex) {
        return "invalid value for search attribute " + name + " of type " + type.temporalName()
            + ": " + SearchAttributePayloads.show(p);
      }
      if (p.getData().size() > MAX_VALUE_BYTES) {
        return "search attribute " + name + " value size " + p.getData().size()
            + " exceeds size limit " + MAX_VALUE_BYTES;
      }
    }
    if (attributes.getSerializedSize() > MAX_TOTAL_BYTES) {
      return "total size of search attributes " + attributes.getSerializedSize()
          + " exceeds size limit " + MAX_TOTAL_BYTES;
    }
    return null;
  }
}
