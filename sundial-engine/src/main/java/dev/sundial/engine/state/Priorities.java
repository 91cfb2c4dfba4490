package dev.sundial.engine.state;

import io.temporal.api.common.v1.Priority;

/** Temporal's priority inheritance: what a task leaves unset comes from its workflow. */
public final class Priorities {
  private Priorities() {}

  /**
   * {@code own}'s fields where set (non-zero), else {@code inherited}'s; null when neither is set
   * (null and the empty message both mean unset).
   */
  public static Priority merge(Priority inherited, Priority own) {
    boolean hasInherited = inherited != null && !inherited.equals(Priority.getDefaultInstance());
    boolean hasOwn = own != null && !own.equals(Priority.getDefaultInstance());
    if (!hasInherited) return hasOwn ? own : null;
    if (!hasOwn) return inherited;
    return Priority.newBuilder()
        .setPriorityKey(own.getPriorityKey() != 0 ? own.getPriorityKey() : inherited.getPriorityKey())
        .setFairnessKey(!own.getFairnessKey().isEmpty() ? own.getFairnessKey() : inherited.getFairnessKey())
        .setFairnessWeight(
            own.getFairnessWeight() != 0 ? own.getFairnessWeight() : inherited.getFairnessWeight())
        .build();
  }
}
