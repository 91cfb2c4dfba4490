package dev.sundial.server.frontend;

import com.google.protobuf.ByteString;
import dev.sundial.engine.Engine;
import dev.sundial.engine.history.TaskToken;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.engine.worker.ActivityTaskService;
import io.temporal.api.workflowservice.v1.*;
import java.util.concurrent.CompletableFuture;

/**
 * Activity task responses (heartbeat, completed, failed, canceled — by token or by id): checks
 * the request, names the activity, and hands it to the engine.
 */
final class ActivityTaskHandler {
  private final Engine engine;
  private final RequestValidator validate;

  ActivityTaskHandler(Engine engine, RequestValidator validate) {
    this.engine = engine;
    this.validate = validate;
  }

  CompletableFuture<RecordActivityTaskHeartbeatResponse> heartbeat(
      RecordActivityTaskHeartbeatRequest req) {
    validate.payload(req.getDetails(), "Details");
    return engine.activityTasks
        .heartbeat(byToken(req.getNamespace(), req.getTaskToken()), req.hasDetails() ? req.getDetails() : null)
        .thenApply(c -> RecordActivityTaskHeartbeatResponse.newBuilder().setCancelRequested(c).build());
  }

  CompletableFuture<RecordActivityTaskHeartbeatByIdResponse> heartbeatById(
      RecordActivityTaskHeartbeatByIdRequest req) {
    validate.payload(req.getDetails(), "Details");
    return engine.activityTasks
        .heartbeat(byId(req.getNamespace(), req.getWorkflowId(), req.getRunId(), req.getActivityId()),
            req.hasDetails() ? req.getDetails() : null)
        .thenApply(c -> RecordActivityTaskHeartbeatByIdResponse.newBuilder().setCancelRequested(c).build());
  }

  CompletableFuture<RespondActivityTaskCompletedResponse> completed(
      RespondActivityTaskCompletedRequest req) {
    validate.payload(req.getResult(), "Result");
    return engine.activityTasks
        .completeActivity(byToken(req.getNamespace(), req.getTaskToken()),
            req.hasResult() ? req.getResult() : null, req.getIdentity())
        .thenApply(v -> RespondActivityTaskCompletedResponse.getDefaultInstance());
  }

  CompletableFuture<RespondActivityTaskCompletedByIdResponse> completedById(
      RespondActivityTaskCompletedByIdRequest req) {
    validate.payload(req.getResult(), "Result");
    return engine.activityTasks
        .completeActivity(byId(req.getNamespace(), req.getWorkflowId(), req.getRunId(), req.getActivityId()),
            req.hasResult() ? req.getResult() : null, req.getIdentity())
        .thenApply(v -> RespondActivityTaskCompletedByIdResponse.getDefaultInstance());
  }

  CompletableFuture<RespondActivityTaskFailedResponse> failed(RespondActivityTaskFailedRequest req) {
    if (!req.hasFailure()) throw RequestValidator.invalid("Failure is not set on request.");
    return engine.activityTasks
        .failActivity(byToken(req.getNamespace(), req.getTaskToken()), req.getFailure(),
            req.hasLastHeartbeatDetails() ? req.getLastHeartbeatDetails() : null, req.getIdentity())
        .thenApply(v -> RespondActivityTaskFailedResponse.getDefaultInstance());
  }

  CompletableFuture<RespondActivityTaskFailedByIdResponse> failedById(
      RespondActivityTaskFailedByIdRequest req) {
    if (!req.hasFailure()) throw RequestValidator.invalid("Failure is not set on request.");
    return engine.activityTasks
        .failActivity(byId(req.getNamespace(), req.getWorkflowId(), req.getRunId(), req.getActivityId()),
            req.getFailure(), req.hasLastHeartbeatDetails() ? req.getLastHeartbeatDetails() : null,
            req.getIdentity())
        .thenApply(v -> RespondActivityTaskFailedByIdResponse.getDefaultInstance());
  }

  CompletableFuture<RespondActivityTaskCanceledResponse> canceled(
      RespondActivityTaskCanceledRequest req) {
    return engine.activityTasks
        .cancelActivity(byToken(req.getNamespace(), req.getTaskToken()),
            req.hasDetails() ? req.getDetails() : null, req.getIdentity())
        .thenApply(v -> RespondActivityTaskCanceledResponse.getDefaultInstance());
  }

  CompletableFuture<RespondActivityTaskCanceledByIdResponse> canceledById(
      RespondActivityTaskCanceledByIdRequest req) {
    return engine.activityTasks
        .cancelActivity(byId(req.getNamespace(), req.getWorkflowId(), req.getRunId(), req.getActivityId()),
            req.hasDetails() ? req.getDetails() : null, req.getIdentity())
        .thenApply(v -> RespondActivityTaskCanceledByIdResponse.getDefaultInstance());
  }

  /** The activity a token names, after checking the token belongs to the namespace given. */
  private ActivityTaskService.ActivityRef byToken(String namespace, ByteString token) {
    TokenNamespaces.check(engine.namespaces(), namespace, token, TaskToken.ACTIVITY);
    return ActivityTaskService.ActivityRef.ofToken(token);
  }

  private ActivityTaskService.ActivityRef byId(String namespace, String workflowId, String runId, String activityId) {
    validate.namespace(namespace);
    String ns = engine.namespaces().byName(namespace).id();
    if (activityId == null || activityId.isEmpty()) {
      throw RequestValidator.invalid("ActivityId is not set on request.");
    }
    if (workflowId == null || workflowId.isEmpty()) {
      // No workflow: a standalone activity, by its id and (optionally) its run id, as in Temporal.
      return new ActivityTaskService.ActivityRef(
          null, ns, StandaloneActivityKey.of(activityId), runId, activityId);
    }
    RequestValidator.workflowId(workflowId);
    return new ActivityTaskService.ActivityRef(null, ns, workflowId, runId, activityId);
  }
}
