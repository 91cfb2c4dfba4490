package dev.sundial.examples.pipeline;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One request through the pipeline: validate, call the model, process and store the result. */
@WorkflowInterface
public interface AiRequestWorkflow {
  @WorkflowMethod
  RequestStatus process(AiRequest request);

  /** The request's stage while it runs (and its outcome after). */
  @QueryMethod
  RequestStatus status();
}
