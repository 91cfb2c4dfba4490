package dev.sundial.engine.history.reset;

import dev.sundial.engine.history.MutableState;
import io.temporal.api.common.v1.Memo;
import io.temporal.api.common.v1.SearchAttributes;

/** Where rebuilding a run's state meets the visibility side: current search attributes / memo. */
final class ResetHooks {
  private ResetHooks() {}

  static void upsertSearchAttributes(MutableState s, SearchAttributes upsert) {
    dev.sundial.engine.visibility.SearchAttributeState.upsert(s, upsert);
  }

  static void upsertMemo(MutableState s, Memo upsert) {
    dev.sundial.engine.visibility.SearchAttributeState.upsertMemo(s, upsert);
  }
}
