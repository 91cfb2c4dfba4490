package dev.sundial.persistence.visibility;

import java.util.Collection;
import java.util.Map;

/**
 * Visibility reads (rows are written with the executions they describe, see
 * {@link dev.sundial.persistence.ExecutionWrite#visibility()}) and the per-namespace registry of
 * custom search attributes. Thread-safe; reads see committed data only.
 */
public interface VisibilityStore {

  /**
   * A page of runs of the namespace matching the query. {@code pageToken} is null for the first
   * page, else a token returned by the previous page of the same query; paging is by key (not
   * offset), so runs added or changed meanwhile do not shift pages. Throws
   * IllegalArgumentException for a token that is not one of ours.
   */
  VisibilityPage list(String namespaceId, VisibilityQuery query, int pageSize, byte[] pageToken);

  /** How many runs of the namespace match (all when filter is null). */
  long count(String namespaceId, VisibilityFilter filter);

  /** Matching runs per ExecutionStatus number, statuses ascending, only non-zero counts. */
  Map<Integer, Long> countByStatus(String namespaceId, VisibilityFilter filter);

  /** Every namespace's custom search attributes: namespace id, then name, then type. */
  Map<String, Map<String, SaType>> loadSearchAttributes();

  /** Adds (or retypes) custom search attributes of a namespace. */
  void addSearchAttributes(String namespaceId, Map<String, SaType> attributes);

  /** Removes custom search attributes of a namespace; unknown names are ignored. */
  void removeSearchAttributes(String namespaceId, Collection<String> names);
}
