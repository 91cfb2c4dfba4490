package dev.sundial.engine.visibility;

import dev.sundial.engine.state.MutableState;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.SearchAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's current search attributes and memo: those of its started event, merged with every
 * UpsertWorkflowSearchAttributes / WorkflowPropertiesModified since (a value that is null, empty
 * or {@code []} removes the key). {@link MutableState#searchAttributes} / {@link MutableState#memo}
 * stay null until the first change, meaning "as started".
 */
public final class SearchAttributeState {
  private SearchAttributeState() {}

  public static SearchAttributes searchAttributes(MutableState s) {
    if (s.searchAttributes != null) {
      return s.searchAttributes;
    }
    if (s.started == null || !s.started.hasSearchAttributes()) {
      return SearchAttributes.getDefaultInstance();
    }
    return withoutNil(s.started.getSearchAttributes().getIndexedFieldsMap());
  }

  public static Memo memo(MutableState s) {
    if (s.memo != null) {
      return s.memo;
    }
    if (s.started == null || !s.started.hasMemo()) {
      return Memo.getDefaultInstance();
    }
    return s.started.getMemo();
  }

  /** Applies an UpsertWorkflowSearchAttributes. */
  public static void upsert(MutableState s, SearchAttributes upsert) {
    Map<String, Payload> merged = new TreeMap<>(searchAttributes(s).getIndexedFieldsMap());
    upsert.getIndexedFieldsMap().forEach((k, v) -> {
      if (SearchAttributePayloads.isNil(v)) {
        merged.remove(k);
      } else {
        merged.put(k, v);
      }
    });
    s.searchAttributes = SearchAttributes.newBuilder().putAllIndexedFields(merged).build();
    s.dirty = true;
  }

  /** Applies a WorkflowPropertiesModified's upserted memo. */
  public static void upsertMemo(MutableState s, Memo upsert) {
    Map<String, Payload> merged = new TreeMap<>(memo(s).getFieldsMap());
    upsert.getFieldsMap().forEach((k, v) -> {
      if (SearchAttributePayloads.isNil(v)) {
        merged.remove(k);
      } else {
        merged.put(k, v);
      }
    });
    s.memo = Memo.newBuilder().putAllFields(merged).build();
    s.dirty = true;
  }

  /**
   * A run continuing this one (continue-as-new, retry, cron) keeps its current search attributes
   * and memo unless the command that starts it sets its own.
   */
  public static void inherit(
      MutableState s, WorkflowExecutionStartedEventAttributes.Builder next, boolean ownSearchAttributes,
      boolean ownMemo) {
    if (!ownSearchAttributes) {
      SearchAttributes sa = searchAttributes(s);
      if (sa.getIndexedFieldsCount() > 0) {
        next.setSearchAttributes(sa);
      } else {
        next.clearSearchAttributes();
      }
    }
    if (!ownMemo) {
      Memo m = memo(s);
      if (m.getFieldsCount() > 0) {
        next.setMemo(m);
      } else {
        next.clearMemo();
      }
    }
  }

  private static SearchAttributes withoutNil(Map<String, Payload> fields) {
    boolean anyNil = false;
    for (Payload p : fields.values()) {
      anyNil |= SearchAttributePayloads.isNil(p);
    }
    if (!anyNil) {
      return SearchAttributes.newBuilder().putAllIndexedFields(fields).build();
    }
    SearchAttributes.Builder b = SearchAttributes.newBuilder();
    fields.forEach((k, v) -> {
      if (!SearchAttributePayloads.isNil(v)) b.putIndexedFields(k, v);
    });
    return b.build();
  }
}
