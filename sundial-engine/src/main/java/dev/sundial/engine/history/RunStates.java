package dev.sundial.engine.history;

import dev.sundial.engine.state.MutableState;

/** Reads a run's committed state (the current run when runId is empty); NOT_FOUND when absent. */
@FunctionalInterface
public interface RunStates {
  MutableState read(String namespaceId, String workflowId, String runId);
}
