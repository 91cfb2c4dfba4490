package dev.sundial.persistence.visibility;

import java.util.Map;
import java.util.Objects;

/**
 * The visibility row of one workflow run, written in the same transaction as the run's state.
 * Times are epoch nanoseconds and durations nanoseconds; {@code closeTime} and
 * {@code executionDuration} are null while the run is open. {@code status} is the
 * WorkflowExecutionStatus number. {@code info} is the engine's serialized execution description
 * (opaque to the store), returned as is by list queries. Optional ids are null when absent.
 */
public record VisibilityRecord(
    String namespaceId,
    String workflowId,
    String runId,
    String workflowType,
    int status,
    long startTime,
    long executionTime,
    Long closeTime,
    Long executionDuration,
    long historyLength,
    long historySizeBytes,
    long stateTransitionCount,
    String taskQueue,
    String parentWorkflowId,
    String parentRunId,
    String rootWorkflowId,
    String rootRunId,
    Map<String, SaValue> searchAttributes,
    byte[] info) {

  /** The predefined attribute that hides internal executions from ordinary lists. */
  public static final String NAMESPACE_DIVISION = "TemporalNamespaceDivision";

  public VisibilityRecord {
    Objects.requireNonNull(namespaceId, "namespaceId");
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(runId, "runId");
    workflowType = workflowType == null ? "" : workflowType;
    taskQueue = taskQueue == null ? "" : taskQueue;
    searchAttributes = searchAttributes == null ? Map.of() : Map.copyOf(searchAttributes);
    info = info == null ? new byte[0] : info;
  }

  /** The TemporalNamespaceDivision value, or null. */
  public String namespaceDivision() {
    SaValue v = searchAttributes.get(NAMESPACE_DIVISION);
    return v != null && v.value() instanceof String s ? s : null;
  }
}
