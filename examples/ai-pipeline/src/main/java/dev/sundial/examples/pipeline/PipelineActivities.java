package dev.sundial.examples.pipeline;

import io.temporal.activity.ActivityInterface;

/** The pipeline's steps. Each is idempotent: a retry after a crash does the same thing again. */
@ActivityInterface
public interface PipelineActivities {
  /**
   * Records the request if it is new and checks it; returns the prompt for the model. Fails with
   * the non-retryable type {@code InvalidRequest} when the input is unusable.
   */
  String validate(AiRequest request);

  /** The model's answer to the prompt (retried with backoff when the model fails). */
  String callModel(String prompt);

  /** Processes the answer and stores the result; returns it. */
  String processAndStore(String requestId, String answer);

  /** Stores a failure as the request's outcome. */
  void recordFailure(String requestId, String error);
}
