package dev.sundial.examples.tasks;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Hands a task from its assignee to another user: reassign, tell both, record the hand-off. */
@WorkflowInterface
public interface RelayWorkflow {
  /** The relay request; {@code relayId} is its workflow id, fixed by the caller. */
  record Relay(String relayId, String taskId, String to, String by, String note) {}

  /** What was handed from whom to whom. */
  record Handoff(String relayId, String taskId, String from, String to) {}

  @WorkflowMethod
  Handoff relay(Relay relay);
}
