package dev.sundial.examples.pipeline;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The pipeline as a workflow. Each step has its own retry policy: validation is retried little
 * (its failures are the input's), the model call with exponential backoff (models fail and
 * recover), storing persistently (the database comes back).
 */
public class AiRequestWorkflowImpl implements AiRequestWorkflow {
  private final PipelineActivities validation = Workflow.newActivityStub(PipelineActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(RetryOptions.newBuilder()
              .setMaximumAttempts(3)
              .setDoNotRetry("InvalidRequest")
              .build())
          .build());
  private final PipelineActivities model = Workflow.newActivityStub(PipelineActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofMinutes(1))
              .setMaximumAttempts(6)
              .build())
          .build());
  private final PipelineActivities storage = Workflow.newActivityStub(PipelineActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder()
              .setInitialInterval(Duration.ofSeconds(1))
              .setBackoffCoefficient(2)
              .setMaximumInterval(Duration.ofSeconds(30))
              .build())
          .build());

  private RequestStatus status = RequestStatus.at("", "RECEIVED");

  @Override
  public RequestStatus process(AiRequest request) {
    status = RequestStatus.at(request.id(), "VALIDATING");
    try {
      String prompt = validation.validate(request);
      status = RequestStatus.at(request.id(), "CALLING_MODEL");
      String answer = model.callModel(prompt);
      status = RequestStatus.at(request.id(), "PROCESSING");
      String result = storage.processAndStore(request.id(), answer);
      status = new RequestStatus(request.id(), "COMPLETED", result, null);
      return status;
    } catch (ActivityFailure e) {
      Throwable cause = e.getCause();
      String error = cause instanceof ApplicationFailure failure ? failure.getOriginalMessage()
          : cause != null ? cause.getMessage() : e.getMessage();
      storage.recordFailure(request.id(), error);
      status = new RequestStatus(request.id(), "FAILED", null, error);
      throw ApplicationFailure.newNonRetryableFailure(
          "request " + request.id() + " failed: " + error, "RequestFailed");
    }
  }

  @Override
  public RequestStatus status() {
    return status;
  }
}
