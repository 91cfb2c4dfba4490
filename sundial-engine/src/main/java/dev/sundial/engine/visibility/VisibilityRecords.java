package dev.sundial.engine.visibility;

import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.SaValue;
import dev.sundial.persistence.visibility.VisibilityRecord;
import io.temporal.api.common.v1.Payload;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visibility row of a run, derived from its mutable state whenever the state is written. Its
 * search attribute values are typed by each payload's "type" metadata (set when the values were
 * validated); a value that does not decode is left out of the row (never failing the write).
 */
public final class VisibilityRecords {
  private static final Logger log = LoggerFactory.getLogger(VisibilityRecords.class);
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private VisibilityRecords() {}

  /**
   * The row for the state as it is being written (null, logged, if it cannot be built).
   *
   * @param stateTransitionCount the db version this write gives the run
   * @param types the registered search attribute types (null: each value as its payload says)
   */
  public static VisibilityRecord of(
      MutableState s, long stateTransitionCount, SearchAttributeRegistry types) {
    try {
      return build(s, stateTransitionCount, types);
    } catch (RuntimeException e) {
      // Never fail the run's write over its visibility row; the next write refreshes it.
      log.error("visibility row of {}/{} not written", s.workflowId, s.runId, e);
      return null;
    }
  }

  private static VisibilityRecord build(
      MutableState s, long stateTransitionCount, SearchAttributeRegistry types) {
    var started = s.started;
    Long closeTime = s.isRunning() || s.closeTime <= 0 ? null : s.closeTime * NANOS_PER_MILLI;
    Long duration =
        closeTime == null ? null : Math.max(0, s.closeTime - s.executionTime) * NANOS_PER_MILLI;
    String parentWf = null;
    String parentRun = null;
    if (started.hasParentWorkflowExecution()) {
      parentWf = emptyToNull(started.getParentWorkflowExecution().getWorkflowId());
      parentRun = emptyToNull(started.getParentWorkflowExecution().getRunId());
    }
    String rootWf = s.workflowId;
    String rootRun = s.runId;
    if (started.hasRootWorkflowExecution()) {
      rootWf = started.getRootWorkflowExecution().getWorkflowId();
      rootRun = started.getRootWorkflowExecution().getRunId();
    }
    return new VisibilityRecord(
        s.namespaceId,
        s.workflowId,
        s.runId,
        s.workflowType(),
        s.status.getNumber(),
        s.startTime * NANOS_PER_MILLI,
        s.executionTime * NANOS_PER_MILLI,
        closeTime,
        duration,
        s.nextEventId - 1,
        s.historySizeBytes,
        stateTransitionCount,
        s.taskQueue(),
        parentWf,
        parentRun,
        rootWf,
        rootRun,
        values(s, types),
        ExecutionInfos.of(s, stateTransitionCount).build().toByteArray());
  }

  /**
   * The run's search attribute values, each of its registered type (a Keyword sent for a Text
   * attribute is indexed as Text; the payload itself is kept as sent), else of the type its
   * payload declares, else a predefined one's, else a guess.
   */
  static Map<String, SaValue> values(MutableState s, SearchAttributeRegistry types) {
    Map<String, SaValue> values = new LinkedHashMap<>();
    for (var e : SearchAttributeState.searchAttributes(s).getIndexedFieldsMap().entrySet()) {
      Payload p = e.getValue();
      SaType type = types == null ? null : types.settable(s.namespaceId, e.getKey());
      if (type == null) {
        type = SearchAttributePayloads.declaredType(p);
      }
      if (type == null) {
        type = SearchAttributeRegistry.PREDEFINED.get(e.getKey());
      }
      if (type == null) {
        type = SearchAttributePayloads.infer(p);
      }
      if (type == null) {
        continue;
      }
      try {
        SaValue v = SearchAttributePayloads.decode(p, type);
        if (v != null) {
          values.put(e.getKey(), v);
        }
      } catch (RuntimeException ex) {
        log.debug("search attribute {} of {} not indexed: {}", e.getKey(), s.workflowId, ex.toString());
      }
    }
    if (StandaloneActivityKey.is(s)) {
      // Listed by ListActivityExecutions only, as workflow lists leave out any division.
      values.put(VisibilityRecord.NAMESPACE_DIVISION, SaValue.keyword(StandaloneActivityKey.DIVISION));
    }
    return values;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
